"""`dunwell compliance check --case CASE.json [--json]`: the file contract other tools depend on
(ADR 0026). Exactly three keys, exit 0 whether allowed or not, exit 2 naming the bad field."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.dunning.test_compliance_case_reader import CONTRACT_EXAMPLE, example

UTC_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _write(tmp_path: Path, document: object, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_contract_example_gives_exactly_the_three_keys(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("compliance", "check", "--case", _write(tmp_path, CONTRACT_EXAMPLE), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == ["allowed", "blocked_by", "next_allowed_at"]
    assert payload["allowed"] is False
    assert all(list(block) == ["rule", "reason"] for block in payload["blocked_by"])
    # Noon in New York is inconvenient; Fri Apr 3's conversation bars calls until Fri Apr 10,
    # when the window shared with Los Angeles opens at 11:00 ET.
    assert [b["rule"] for b in payload["blocked_by"]] == ["RF-TIME-3", "RF-CALL-1"]
    assert payload["next_allowed_at"] == "2026-04-10T15:00:00Z"
    assert UTC_TEXT.fullmatch(payload["next_allowed_at"])


def test_an_allowed_action_and_one_never_allowed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    allowed = example(history=[], action__at="2026-04-06T18:00:00Z")
    result = cli("compliance", "check", "--case", _write(tmp_path, allowed), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "allowed": True,
        "blocked_by": [],
        "next_allowed_at": "2026-04-06T18:00:00Z",
    }

    ceased = example(debtor__cease_requested=True)
    result = cli("compliance", "check", "--case", _write(tmp_path, ceased), "--json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert (payload["allowed"], payload["next_allowed_at"]) == (False, None)
    assert payload["blocked_by"][0]["rule"] == "RF-CEASE-1"


def test_the_readable_summary_names_rules_and_the_next_time(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("compliance", "check", "--case", _write(tmp_path, CONTRACT_EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "BLOCKED: call at 2026-04-06T16:00:00Z" in result.stdout
    assert "RF-CALL-1: a telephone conversation about debt D1" in result.stdout
    assert "Next allowed: 2026-04-10T15:00:00Z (Fri 2026-04-10 11:00 America/New_York" in result.stdout
    never = cli(
        "compliance", "check", "--case", _write(tmp_path, example(debtor__represented_by_attorney=True))
    )
    assert "Next allowed: never" in never.stdout


def test_pattern_flags_are_warnings_on_stderr_and_not_in_the_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    redial = example(
        history=[{"at": "2026-04-06T17:58:00Z", "channel": "call", "kind": "attempt", "debt_id": "D1"}],
        action__at="2026-04-06T18:00:00Z",
    )
    path = _write(tmp_path, redial)
    result = cli("compliance", "check", "--case", path, "--json")
    assert result.exit_code == 0
    assert list(json.loads(result.stdout)) == ["allowed", "blocked_by", "next_allowed_at"]
    assert "warning RF-CALL-4: rapid redial" in result.stderr
    assert "warning RF-CALL-4: rapid redial" in cli("compliance", "check", "--case", path).stdout


def test_the_weekly_cap_of_the_commercial_ledger_is_an_option(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    commercial = example(ledger="commercial", action__at="2026-04-06T18:00:00Z")
    path = _write(tmp_path, commercial)
    assert json.loads(cli("compliance", "check", "--case", path, "--json").stdout)["allowed"] is True
    capped = json.loads(cli("compliance", "check", "--case", path, "--weekly-cap", "2", "--json").stdout)
    assert [b["rule"] for b in capped["blocked_by"]] == ["B2B-CAP-1"]
    assert capped["next_allowed_at"] == "2026-04-08T15:00:00Z"  # Apr 1 leaves the week; 11:00 ET


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (example(debtor__consent__fax=True), "debtor.consent.fax"),
        (example(history__1__note="x"), "history[1].note"),
        (example(surprise=1), "surprise"),
        (example(action__channel="fax"), "action.channel"),
        (example(debtor__cease_requested=...), "debtor.cease_requested"),
        (example(debtor__time_zones=["Mars/Olympus"]), "debtor.time_zones[0]"),
        (example(action__at="2026-04-06T16:00:00"), "action.at"),
    ],
)
def test_an_invalid_case_exits_2_naming_the_field(
    cli, tmp_path: Path, document: dict[str, Any], field: str
) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, document)
    text = cli("compliance", "check", "--case", path)
    assert text.exit_code == 2
    assert f"error: {field}: " in text.stderr
    as_json = cli("compliance", "check", "--case", path, "--json")
    assert as_json.exit_code == 2
    error = json.loads(as_json.stdout)["error"]
    assert (error["code"], error["kind"]) == ("invalid_case", "invalid")
    assert error["message"].startswith(f"{field}: ")


def test_a_file_that_is_missing_or_not_json_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing = cli("compliance", "check", "--case", tmp_path / "nope.json")
    assert missing.exit_code == 2
    assert "nope.json: cannot read it" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"ledger": ', encoding="utf-8")
    result = cli("compliance", "check", "--case", broken, "--json")
    assert result.exit_code == 2
    assert "not valid JSON" in json.loads(result.stdout)["error"]["message"]


def test_the_installed_command_runs_without_a_database(dunwell_exe, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    done = dunwell_exe("compliance", "check", "--case", _write(tmp_path, CONTRACT_EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["next_allowed_at"] == "2026-04-10T15:00:00Z"
    assert not (tmp_path / "dunwell.db").exists()  # cwd is tmp_path: no database was created
