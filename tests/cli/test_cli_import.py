"""`dunwell import …` through the Typer app (in process) and the installed console script."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli_inputs import BAD_INVOICES_CSV, INVOICES_CSV, JSON_KEYS, SAP_MAPPING, count, one_line
from dunwell.imports.invoice_import import InvoiceImporter
from dunwell.kit.db import create_db_engine
from dunwell.kit.migrate import current_revision, head_revision
from dunwell.orm import Allocation, Customer, Invoice, Payment

# --- success, idempotency, databases --------------------------------------------------------------


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_import_then_reimport_exits_0_and_changes_nothing(cli, write_file, sqlite_url, as_json) -> None:
    path = write_file("book.csv", INVOICES_CSV)
    flag = ["--json"] if as_json else []

    first = cli("import", "invoices", path, "--as-of", "2024-02-15", *flag)
    again = cli("import", "invoices", path, "--as-of", "2024-02-15", *flag)

    assert (first.exit_code, again.exit_code) == (0, 0), first.output + again.output
    if as_json:
        assert json.loads(first.stdout) == {
            "read": 3,
            "imported": 3,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
            "reject_file": None,
        }
        payload = json.loads(again.stdout)
        assert list(payload) == JSON_KEYS
        assert (payload["read"], payload["unchanged"], payload["imported"]) == (3, 3, 0)
    else:
        assert (
            "book.csv: read 3 invoices rows — imported 3, updated 0, unchanged 0, rejected 0" in first.stdout
        )
        assert "imported 0, updated 0, unchanged 3, rejected 0" in again.stdout
        assert first.stderr == ""
    assert count(sqlite_url, Invoice) == 3
    assert count(sqlite_url, Payment) == 0  # implied payments are allocations, not bank cash
    assert count(sqlite_url, Allocation) == 2  # INV-2's 150.00 and INV-3's 75.50, once each


def test_import_and_reimport_on_each_database(cli, write_file, database_url, monkeypatch) -> None:
    monkeypatch.setenv("DUNWELL_DATABASE_URL", database_url)
    path = write_file("book.csv", INVOICES_CSV)

    first = cli("import", "invoices", path, "--as-of", "2024-02-15", "--json")
    again = cli("import", "invoices", path, "--as-of", "2024-02-15", "--json")

    assert (first.exit_code, again.exit_code) == (0, 0), first.output + again.output
    assert json.loads(first.stdout)["imported"] == 3
    assert json.loads(again.stdout)["unchanged"] == 3
    assert (count(database_url, Invoice), count(database_url, Allocation)) == (3, 2)


def test_the_database_is_created_and_migrated_on_first_use(cli, write_file, tmp_path, monkeypatch) -> None:
    db = tmp_path / "new" / "fresh.db"
    db.parent.mkdir()
    url = f"sqlite:///{db}"
    monkeypatch.setenv("DUNWELL_DATABASE_URL", url)
    assert not db.exists()

    result = cli("import", "customers", write_file("c.csv", "customer_id,name\nC1,Acme\n"), "--json")

    assert result.exit_code == 0, result.output
    assert db.is_file()
    engine = create_db_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert count(url, Customer) == 1


def test_without_a_setting_the_database_is_dunwell_db_in_the_working_directory(
    cli, write_file, tmp_path
) -> None:
    result = cli("import", "customers", write_file("c.csv", "customer_id,name\nC1,Acme\n"), "--json")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "dunwell.db").is_file()
    assert count(f"sqlite:///{tmp_path / 'dunwell.db'}", Customer) == 1


# --- rejected rows --------------------------------------------------------------------------------


def test_rejected_rows_exit_3_and_land_in_the_reject_file_beside_the_input(
    cli, write_file, sqlite_url
) -> None:
    path = write_file("book.csv", BAD_INVOICES_CSV)

    result = cli("import", "invoices", path, "--json")

    assert result.exit_code == 3, result.output
    payload = json.loads(result.stdout)
    reject_file = path.with_name("book.rejects.csv")
    assert payload == {
        "read": 4,
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
        "reject_file": str(reject_file),
    }
    with reject_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["line"], r["field"], r["invoice_id"], r["amount"]) for r in rows] == [
        ("3", "issue_date", "INV-2", "100.00"),
        ("4", "amount", "INV-3", "-1.00"),
    ]
    assert count(sqlite_url, Invoice) == 2


def test_rejected_rows_are_summarised_on_stderr_without_json(cli, write_file, sqlite_url) -> None:
    result = cli("import", "invoices", write_file("book.csv", BAD_INVOICES_CSV), "--as-of", "2024-02-01")

    assert result.exit_code == 3
    assert "book.csv: read 4 invoices rows — imported 2, updated 0, unchanged 0, rejected 2" in result.stdout
    assert "rejected line 3, issue_date: unparseable date '2024-13-01'" in result.stderr
    assert "rejected line 4, amount: negative amount on an invoice" in result.stderr
    assert "book.rejects.csv" in result.stderr
    assert "Traceback" not in result.output


def test_payments_and_customers_commands(cli, write_file, sqlite_url) -> None:
    customers = cli(
        "import",
        "customers",
        write_file("customers.csv", "customer_id,name,owner\nC1,Acme,ann\nC2,Beta,\n"),
        "--json",
    )
    payments = cli(
        "import",
        "payments",
        write_file(
            "bank.csv",
            """
            payment_id,value_date,amount,currency,customer_id
            PAY-1,2024-02-01,100.00,USD,C1
            PAY-2,2024-02-02,50.00,USD,C9
            PAY-3,2024-02-03,0,USD,
            """,
        ),
        "--json",
    )
    again = cli("import", "payments", Path("bank.csv"), "--json")  # relative to the working directory

    assert customers.exit_code == 0, customers.output
    assert json.loads(customers.stdout)["imported"] == 2
    assert payments.exit_code == 3, payments.output
    assert json.loads(payments.stdout) | {"reject_file": None} == {
        "read": 3,
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
        "reject_file": None,
    }
    assert json.loads(again.stdout)["unchanged"] == 1
    assert json.loads(again.stdout)["reject_file"] == "bank.rejects.csv"
    assert count(sqlite_url, Payment) == 1


# --- file formats and mappings --------------------------------------------------------------------


def _sap_workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Belegnummer", "Kunde", "Belegdatum", "Betrag", "Strittig"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_through_a_yaml_mapping(cli, write_file, tmp_path, sqlite_url) -> None:
    mapping = write_file(
        "sap.yaml", SAP_MAPPING.replace('decimal_separator: ","\nthousands_separator: "."\n', "")
    )
    path = _sap_workbook(
        tmp_path / "sap.xlsx",
        [
            [1930659387, "K1", datetime(2024, 1, 1), 1234.5, "Nein"],  # typed cells
            ["1930659388", "K2", "15.01.2024", "1000.25", "Ja"],  # text cells, a German date
            [1930659389, "K2", "2024-13-45", 10, "Nein"],  # rejected: row 4 of the sheet
        ],
    )

    result = cli("import", "invoices", path, "--mapping", mapping, "--json")
    metrics = cli("metrics", "--as-of", "2024-01-31", "--json")

    assert result.exit_code == 3, result.output
    payload = json.loads(result.stdout)
    assert (payload["imported"], payload["rejected"]) == (2, 1)
    assert payload["reject_file"] == str(tmp_path / "sap.rejects.csv")
    with (tmp_path / "sap.rejects.csv").open(encoding="utf-8-sig") as handle:
        (row,) = csv.DictReader(handle)
    assert (row["line"], row["field"], row["Belegnummer"]) == ("4", "issue_date", "1930659389")
    overall = json.loads(metrics.stdout)
    assert (overall["currency"], overall["total_ar"]) == ("EUR", "2234.75")
    assert overall["aging"]["current"] == "2234.75"  # due 30 days after issue: 2024-01-31 and 2024-02-14


def test_typed_xlsx_numbers_load_whatever_the_mappings_decimal_separator(
    cli, write_file, tmp_path, sqlite_url
) -> None:
    mapping = write_file("sap.yaml", SAP_MAPPING)  # decimal comma for the text cells
    path = _sap_workbook(
        tmp_path / "sap.xlsx",
        [
            [1930659387, "K1", datetime(2024, 1, 1), 1234.5, "Nein"],  # a typed number cell
            ["1930659388", "K2", "15.01.2024", "1.000,25", "Ja"],  # a number typed in as German text
        ],
    )

    result = cli("import", "invoices", path, "--mapping", mapping, "--json")

    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["imported"] == 2


def test_parquet_with_typed_columns(cli, tmp_path, sqlite_url) -> None:
    table = pa.table(
        {
            "invoice_id": ["P-1", "P-2", "P-3"],
            "customer_id": ["C1", "C1", "C2"],
            "issue_date": pa.array([date(2024, 1, 1), date(2024, 1, 10), date(2024, 2, 1)], pa.date32()),
            "due_date": pa.array([date(2024, 1, 31), date(2024, 2, 9), date(2024, 1, 1)], pa.date32()),
            "currency": ["USD", "USD", "USD"],
            "amount": pa.array([Decimal("100.00"), Decimal("250.25"), Decimal("5.00")], pa.decimal128(12, 2)),
            "open_amount": pa.array([100.0, 0.25, None], pa.float64()),
        }
    )
    path = tmp_path / "book.parquet"
    pq.write_table(table, path)

    result = cli("import", "invoices", path, "--as-of", "2024-02-15", "--json")
    metrics = cli("metrics", "--as-of", "2024-02-15", "--json")

    assert result.exit_code == 3, result.output
    assert json.loads(result.stdout)["imported"] == 2
    with (tmp_path / "book.rejects.csv").open(encoding="utf-8-sig") as handle:
        (row,) = csv.DictReader(handle)
    # Parquet has no lines: row k (from 0) is reported as line k + 2, as if a header were line 1.
    assert (row["line"], row["field"], row["invoice_id"], row["due_date"]) == (
        "4",
        "due_date",
        "P-3",
        "2024-01-01",
    )
    assert json.loads(metrics.stdout)["total_ar"] == "100.25"


def test_a_preset_maps_a_known_layout(cli, write_file, sqlite_url) -> None:
    path = write_file(
        "ibm.csv",
        """
        countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate
        391,0379-NEVHP,4/6/2013,0000611365,1/2/2013,2/1/2013,55.94,No,1/15/2013,Paper,13,0
        406,8976-AMJEO,3/3/2012,0007900770,1/26/2013,2/25/2013,61.74,Yes,3/3/2013,Electronic,36,6
        """,
    )

    result = cli("import", "invoices", path, "--preset", "ibm", "--json")
    before = cli("metrics", "--as-of", "2013-01-31", "--json")
    after = cli("metrics", "--as-of", "2013-03-03", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 2
    assert json.loads(before.stdout)["total_ar"] == "61.74"
    assert json.loads(after.stdout)["total_ar"] == "0.00"


def test_presets_are_listed(cli) -> None:
    result = cli("presets")

    assert result.exit_code == 0
    assert "invoices: highradius, ibm" in result.stdout


# --- batch size and crash/resume through the CLI --------------------------------------------------


def test_the_batch_size_setting_chunks_the_import_and_a_rerun_finishes_a_crashed_one(
    cli, write_file, sqlite_url, monkeypatch
) -> None:
    monkeypatch.setenv("DUNWELL_IMPORT_BATCH_SIZE", "1")
    path = write_file("book.csv", INVOICES_CSV)
    original = InvoiceImporter.import_chunk
    chunks: list[int] = []

    def crashing(self, session, rows, report):  # type: ignore[no-untyped-def]
        chunks.append(len(rows))
        result = original(self, session, rows, report)
        if len(chunks) == 2:
            raise RuntimeError("simulated crash")
        return result

    with monkeypatch.context() as patch:
        patch.setattr(InvoiceImporter, "import_chunk", crashing)
        crashed = cli("import", "invoices", path, "--as-of", "2024-02-15", "--json")
    assert isinstance(crashed.exception, RuntimeError)  # not a user mistake: it is not swallowed
    assert chunks == [1, 1]
    assert (count(sqlite_url, Invoice), count(sqlite_url, Allocation)) == (1, 0)

    rerun = cli("import", "invoices", path, "--as-of", "2024-02-15", "--json")

    assert rerun.exit_code == 0, rerun.output
    payload = json.loads(rerun.stdout)
    assert (payload["imported"], payload["unchanged"]) == (2, 1)
    assert (count(sqlite_url, Invoice), count(sqlite_url, Allocation)) == (3, 2)


def test_a_prepayment_loads_with_a_warning_not_a_rejection(cli, write_file, sqlite_url) -> None:
    path = write_file(
        "deposits.csv",
        "invoice_id,customer_id,issue_date,due_date,currency,amount,open_amount,paid_date\n"
        "INV-1,C1,2024-01-10,2024-02-09,USD,100.00,0,2024-01-05\n"  # a deposit applied on issue
        "INV-2,C1,2024-01-10,2024-02-09,USD,50.00,0,2024-01-20\n",
    )

    done = cli("import", "invoices", path, "--as-of", "2024-02-15", "--json")
    text = cli("import", "invoices", path, "--as-of", "2024-02-15")

    assert done.exit_code == 0, done.output
    payload = json.loads(done.stdout)
    assert (payload["imported"], payload["rejected"], payload["warnings"]) == (2, 0, 1)
    assert payload["warning_samples"][0].startswith(
        "line 2: paid 2024-01-05 before its issue date 2024-01-10"
    )
    assert "warning, line 2" in text.stderr
    assert count(sqlite_url, Invoice) == 2


@pytest.mark.parametrize("kind", ["customers", "payments"])
def test_as_of_on_a_file_without_dates_to_apply_it_to_is_refused(
    cli, write_file, sqlite_url, tmp_path, kind
) -> None:
    path = write_file("c.csv", "customer_id,name\nC1,Acme\n")

    result = cli("import", kind, path, "--as-of", "2024-02-15")

    assert result.exit_code == 2
    assert f"--as-of applies to invoice imports only: a {kind} file" in one_line(result.stderr)
    assert not (tmp_path / "cli.db").exists()
