"""`dunwell replies classify`: the file contract other tools depend on, with no database."""

from __future__ import annotations

import json
from pathlib import Path

from dunwell.cli.replies import CONTRACT_KEYS
from replies.eval_set import build_cases, write_eml_folder


def _some_cases(count: int = 12):
    cases = build_cases()
    return [cases[i] for i in range(0, len(cases), len(cases) // count)][:count]


def test_a_folder_prints_one_object_per_message_with_exactly_the_contract_keys(cli, tmp_path: Path) -> None:
    cases = _some_cases()
    write_eml_folder(cases, tmp_path / "in")
    (tmp_path / "in" / "notes.txt").write_text("not a message", encoding="utf-8")

    result = cli("replies", "classify", tmp_path / "in", "--json")

    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == len(cases)
    assert [Path(r["file"]).name for r in records] == sorted(f"{c.name}.eml" for c in cases)
    for record in records:
        assert tuple(record) == CONTRACT_KEYS
        assert isinstance(record["invoice_refs"], list)
        assert record["promise_amount"] is None or isinstance(record["promise_amount"], str)
    assert not list(tmp_path.glob("*.db")), "no database is created"


def test_absent_fields_are_null_and_a_promise_is_dated(cli, tmp_path: Path) -> None:
    eml = tmp_path / "promise.eml"
    eml.write_bytes(
        b"From: c@client.example\r\nDate: Wed, 10 Mar 2027 09:00:00 +0100\r\n"
        b"Message-ID: <p1@client.example>\r\n"
        b"Subject: Re: INV-2027-7\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"We will pay INV-2027-7 next Friday, EUR 1,200.00.\r\n\r\nKind regards,\r\nAnn\r\n"
    )
    record = json.loads(cli("replies", "classify", eml, "--json").stdout)[0]
    assert record["intent"] == "promise_to_pay"
    assert (record["promise_date"], record["promise_amount"], record["currency"]) == (
        "2027-03-12",
        "1200.00",
        "EUR",
    )
    assert record["message_id"] == "<p1@client.example>"
    assert record["dispute_category"] is None
    assert record["return_date"] is None
    assert record["invoice_refs"] == ["INV-2027-7"]


def test_a_bad_file_is_named_with_exit_code_2(cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.eml"
    bad.write_bytes(b"\x00\x01 not an e-mail at all")

    as_json = cli("replies", "classify", bad, "--json")
    as_text = cli("replies", "classify", bad)

    assert as_json.exit_code == as_text.exit_code == 2
    error = json.loads(as_json.stdout)["error"]
    assert error["code"] == "bad_message"
    assert "broken.eml" in error["message"]
    assert "broken.eml" in as_text.stderr


def test_a_missing_path_and_an_empty_folder_fail_clearly(cli, tmp_path: Path) -> None:
    assert cli("replies", "classify", tmp_path / "nope", "--json").exit_code == 4
    (tmp_path / "empty").mkdir()
    assert cli("replies", "classify", tmp_path / "empty").exit_code == 2


def test_the_table_names_each_file(cli, tmp_path: Path) -> None:
    write_eml_folder(_some_cases(3), tmp_path / "in")
    result = cli("replies", "classify", tmp_path / "in")
    assert result.exit_code == 0, result.output
    assert "intent" in result.stdout
