"""`dunwell segments --as-of D --json` and `dunwell segments changes --from --to --json` on SQLite."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from dunwell.kit.db import create_db_engine, session_factory
from segments.segment_db import StoredBook, build_stored_book


@pytest.fixture
def stored(cli, sqlite_url) -> StoredBook:  # type: ignore[no-untyped-def]
    assert cli("db", "upgrade").exit_code == 0
    engine = create_db_engine(sqlite_url)
    with session_factory(engine).begin() as session:
        book = build_stored_book(session)
    engine.dispose()
    return book


def test_segments_as_of_json(cli, stored: StoredBook) -> None:  # type: ignore[no-untyped-def]
    result = cli("segments", "--as-of", stored.worse_on.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["as_of"] == stored.worse_on.isoformat()
    assert payload["count"] == 3
    by_id = {c["customer_id"]: c for c in payload["customers"]}
    assert by_id[stored.cleos_early]["segment"] == "early_payer"
    assert by_id[stored.cleos_early]["figures"]["median_delay"] == -10.0
    assert by_id[stored.cleos]["segment"] == "deteriorating"
    assert sum(payload["by_segment"].values()) == 3


def test_segments_changes_json_lists_alerts_with_what_moved(cli, stored: StoredBook) -> None:  # type: ignore[no-untyped-def]
    start = (stored.worse_on - timedelta(days=30)).isoformat()
    result = cli("segments", "changes", "--from", start, "--to", stored.worse_on.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["from"], payload["to"]) == (start, stored.worse_on.isoformat())
    assert payload["alerts"] == 2 == payload["changes"]
    item = payload["items"][0]
    assert (item["before"], item["after"], item["worse"]) == ("on_time", "deteriorating", True)
    assert {"figure": "trend_per_month", "before": 0.0, "after": item["moved"][0]["after"]} in item["moved"]


def test_segments_text_and_usage_errors(cli, stored: StoredBook) -> None:  # type: ignore[no-untyped-def]
    shown = cli("segments", "--as-of", stored.worse_on.isoformat())
    assert shown.exit_code == 0
    assert "deteriorating" in shown.stdout
    missing = cli("segments", "--json")
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["error"]["kind"] == "invalid"
    backwards = cli("segments", "changes", "--from", "2024-06-01", "--to", "2024-05-01", "--json")
    assert backwards.exit_code == 2
    assert json.loads(backwards.stdout)["error"]["code"] == "bad_period"
