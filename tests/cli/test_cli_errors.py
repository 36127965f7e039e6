"""CLI usage and file errors (exit 2, one clear line, no traceback); the console script as a process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_inputs import BAD_INVOICES_CSV, INVOICES_CSV, JSON_KEYS, SAP_MAPPING, count, one_line
from dunwell.orm import Invoice

# --- usage and file errors: exit 2, one line, no traceback ----------------------------------------


def test_a_mapping_naming_a_missing_column_exits_2_naming_it(cli, write_file, sqlite_url) -> None:
    mapping = write_file("sap.yaml", SAP_MAPPING.replace("Betrag", "Betrg"))
    path = write_file("sap.csv", "Belegnummer,Kunde,Belegdatum,Betrag,Strittig\n1,K1,01.01.2024,1,Nein\n")

    result = cli("import", "invoices", path, "--mapping", mapping)

    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert "the file has no column 'Betrg' (for amount, did you mean 'Betrag'?)" in line
    assert "the file's columns are: 'Belegnummer', 'Kunde', 'Belegdatum', 'Betrag', 'Strittig'" in line
    assert result.stdout == ""
    assert count(sqlite_url, Invoice) == 0


def test_a_file_without_a_required_canonical_column_exits_2_naming_it(cli, write_file, sqlite_url) -> None:
    path = write_file(
        "book.csv", "invoice_id,customer_id,issue_date,due_date,amount\nI-1,C1,2024-01-01,2024-01-31,1\n"
    )

    result = cli("import", "invoices", path)

    assert result.exit_code == 2
    assert "no column 'currency'" in one_line(result.stderr)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope.csv"], "nope.csv: no such file"),
        (["book.json"], "unknown file type '.json'"),
        (["broken.xlsx"], "not a readable XLSX workbook"),
        (["book.csv", "--mapping", "m.yaml", "--preset", "ibm"], "give --mapping or --preset, not both"),
        (["book.csv", "--preset", "sap"], "no preset 'sap' for invoices; available: highradius, ibm"),
        (["book.csv", "--mapping", "missing.yaml"], "cannot read mapping file missing.yaml"),
        (["book.csv", "--mapping", "m.yaml"], "m.yaml: unknown invoices field 'amount_eur'"),
        (["book.csv", "--mapping", "payments.yaml"], "the mapping is for payments, not invoices"),
        (["book.csv", "--as-of", "31/12/2024"], "--as-of must be a date as YYYY-MM-DD, not '31/12/2024'"),
        (["book.csv", "--as-of", "2024-02-30"], "--as-of must be a date as YYYY-MM-DD, not '2024-02-30'"),
    ],
)
def test_user_mistakes_exit_2_with_one_clear_line(
    cli, write_file, tmp_path, sqlite_url, args, message
) -> None:
    write_file("book.csv", INVOICES_CSV)
    write_file("book.json", "{}")
    write_file("broken.xlsx", "this is not a workbook")
    write_file("m.yaml", "kind: invoices\nfields:\n  amount_eur: Betrag\n")
    write_file("payments.yaml", "kind: payments\nfields: {value_date: d, amount: a, currency: c}\n")

    result = cli("import", "invoices", *args)

    assert result.exit_code == 2, result.output
    assert message in one_line(result.stderr)
    assert result.stdout == ""
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an error escaping


@pytest.mark.parametrize(
    "args",
    [["--mapping", "m.yaml", "--preset", "ibm"], ["--preset", "sap"], ["--mapping", "m.yaml"]],
    ids=["both", "unknown-preset", "bad-mapping"],
)
def test_a_mapping_mistake_does_not_create_the_database(cli, write_file, tmp_path, sqlite_url, args) -> None:
    write_file("m.yaml", "kind: invoices\nfields:\n  amount_eur: Betrag\n")

    result = cli("import", "invoices", write_file("book.csv", INVOICES_CSV), *args)

    assert result.exit_code == 2
    assert not (tmp_path / "cli.db").exists()


def test_a_file_that_is_not_valid_text_exits_2(cli, tmp_path, sqlite_url) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        b"invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount\n"
        b"I-1,C1,M\xfcller,2024-01-01,2024-01-31,EUR,1.00\n"
    )

    result = cli("import", "invoices", path)

    assert result.exit_code == 2
    assert "not valid utf-8-sig text" in one_line(result.stderr)


# --- the installed console script, in a real process ----------------------------------------------


def test_console_script_import_with_rejects_prints_json_and_exits_3(
    dunwell_exe, write_file, sqlite_url
) -> None:
    path = write_file("book.csv", BAD_INVOICES_CSV)

    done = dunwell_exe("import", "invoices", path, "--as-of", "2024-02-01", "--json")

    assert done.returncode == 3, done.stderr
    payload = json.loads(done.stdout)
    assert list(payload) == JSON_KEYS
    assert (payload["read"], payload["imported"], payload["rejected"]) == (4, 2, 2)
    assert Path(payload["reject_file"]).is_file()
    assert count(sqlite_url, Invoice) == 2


def test_console_script_usage_errors_are_one_line_without_traceback(
    dunwell_exe, write_file, sqlite_url
) -> None:
    path = write_file("book.csv", INVOICES_CSV)
    mapping = write_file("sap.yaml", SAP_MAPPING)

    bad_date = dunwell_exe("import", "invoices", path, "--as-of", "yesterday")
    bad_mapping = dunwell_exe("import", "invoices", path, "--mapping", mapping, "--json")

    assert bad_date.returncode == 2
    assert one_line(bad_date.stderr) == "error: --as-of must be a date as YYYY-MM-DD, not 'yesterday'"
    assert bad_mapping.returncode == 2
    error = json.loads(bad_mapping.stdout)["error"]  # under --json the error is JSON on stdout
    assert (error["code"], error["kind"]) == ("mapping_missing_column", "invalid")
    assert "the file has no columns 'Belegnummer' (for invoice_id)" in error["message"]
    assert bad_mapping.stderr == ""
