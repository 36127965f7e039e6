"""`dunwell worklist --as-of D [--collector] [--json | --xlsx]` and `dunwell users set-capacity`."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from dunwell.kit.db import create_db_engine, session_factory
from worklist.worklist_book import DAY, Book, build_book


@pytest.fixture
def stored(cli, sqlite_url) -> Book:  # type: ignore[no-untyped-def]
    assert cli("db", "upgrade").exit_code == 0
    engine = create_db_engine(sqlite_url)
    with session_factory(engine).begin() as session:
        book = build_book(session)
    engine.dispose()
    return book


def test_worklist_json(cli, stored: Book) -> None:  # type: ignore[no-untyped-def]
    result = cli("worklist", "--as-of", DAY.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["as_of"] == DAY.isoformat()
    assert payload["known_until"] == "2024-06-02"
    cleo = next(q for q in payload["queues"] if q["login"] == "cleo")
    assert cleo["rows"][0]["external_id"] == "BIG"
    assert cleo["rows"][0]["figures"][0] == {
        "currency": "USD",
        "overdue_minor": 500_000,
        "due_soon_minor": 0,
        "disputed_minor": 0,
        "expected_minor": cleo["rows"][0]["figures"][0]["expected_minor"],
    }
    reasons = {o["external_id"]: o["reasons"][0]["code"] for o in cleo["left_out"]}
    assert reasons["HOLD"] == "hold"
    assert reasons["NOCONTACT"] == "no_contact"


def test_worklist_of_one_collector_and_capacity(cli, stored: Book) -> None:  # type: ignore[no-untyped-def]
    assert cli("users", "set-capacity", "otto", "30", "--by", "test", "--json").exit_code == 0
    result = cli("worklist", "--as-of", DAY.isoformat(), "--collector", "otto", "--json")
    assert result.exit_code == 0, result.output
    queues = json.loads(result.stdout)["queues"]
    assert [(q["login"], q["capacity_minutes"]) for q in queues] == [("otto", 30)]
    missing = cli("worklist", "--as-of", DAY.isoformat(), "--collector", "nobody", "--json")
    assert missing.exit_code != 0
    assert json.loads(missing.stdout)["error"]["code"] == "collector_not_found"


def test_worklist_xlsx_has_a_sheet_per_collector_and_the_left_out(cli, stored: Book, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "today.xlsx"
    result = cli("worklist", "--as-of", DAY.isoformat(), "--xlsx", target)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["cleo", "otto", "Left out"]
    cleo = list(book["cleo"].iter_rows(min_row=3, values_only=True))
    assert cleo[0][:3] == (1, "Big Ltd", "BIG")
    assert cleo[0][6:8] == ("USD", 5000)
    left = {row[2]: row[6] for row in book["Left out"].iter_rows(min_row=2, values_only=True)}
    assert left["HOLD"].startswith("hold: on hold")
    text = cli("worklist", "--as-of", DAY.isoformat())
    assert text.exit_code == 0
    assert "Big Ltd" in text.stdout
