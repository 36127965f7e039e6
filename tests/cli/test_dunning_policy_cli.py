"""`dunwell dunning policy check FILE [--json]` and `dunwell dunning policy default` (no database)."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

BROKEN = """\
policies:
  standard:
    steps:
      - id: reminder
        from: due
        days: 3
        tone: angry
        channels: [email, fax]
      - {id: final, from: due, days: thirty, tone: final_demand, channels: [letter]}
assignments:
  default: nope
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return path


def test_the_shipped_default_checks_valid(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = cli("dunning", "policy", "default")
    assert shown.exit_code == 0
    path = write(tmp_path, shown.stdout)
    result = cli("dunning", "policy", "check", path)
    assert result.exit_code == 0, result.output
    assert "valid: standard (5 steps); default standard" in result.stdout
    payload = json.loads(cli("dunning", "policy", "check", path, "--json").stdout)
    assert payload["valid"] is True
    assert payload["problems"] == []
    assert [s["id"] for s in payload["policies"][0]["steps"]][-1] == "final_demand"
    assert payload["policies"][0]["steps"][0] == {
        "id": "heads_up",
        "when": "3 days before due",
        "tone": "friendly",
        "channels": ["email"],
    }
    assert payload["assignments"]["default"] == "standard"


def test_an_invalid_file_lists_every_problem_and_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, BROKEN)
    result = cli("dunning", "policy", "check", path)
    assert result.exit_code == 2
    assert f"{path}: 4 problem(s)" in result.stdout
    for line in (
        "line 7, policies.standard.steps[0].tone: 'angry' is not one of friendly, firm, urgent, final_demand",
        "line 8, policies.standard.steps[0].channels[1]: 'fax' is not one of email, sms, letter, call",
        "line 9, policies.standard.steps[1].days: expected a whole number, found the text 'thirty'",
        "line 11, assignments.default: no policy named 'nope' (defined: standard)",
    ):
        assert line in result.stdout


def test_json_lists_problems_with_line_and_path(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("dunning", "policy", "check", write(tmp_path, BROKEN), "--json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["valid"] is False
    assert "policies" not in payload
    assert payload["problems"][0] == {
        "line": 7,
        "path": "policies.standard.steps[0].tone",
        "message": "'angry' is not one of friendly, firm, urgent, final_demand",
    }
    assert [p["line"] for p in payload["problems"]] == [7, 8, 9, 11]


def test_not_yaml_and_missing_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("dunning", "policy", "check", write(tmp_path, "policies: [unclosed\n"), "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"][0]["message"].startswith("not valid YAML")
    missing = cli("dunning", "policy", "check", tmp_path / "absent.yaml", "--json")
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["error"]["kind"] == "invalid"


def test_dunning_rates_shows_each_series_and_a_deployments_file_extends_one(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = json.loads(cli("dunning", "rates", "--as-of", "2099-01-01", "--json").stdout)
    assert {s["id"] for s in shipped["series"]} >= {"ecb_mro", "boe_bank_rate", "bundesbank_basiszinssatz"}
    assert all(not s["covered"] and s["percent_on_day"] is None for s in shipped["series"])
    own = tmp_path / "rates.yaml"
    own.write_text(
        "series:\n  ecb_mro:\n    label: ECB main refinancing rate\n    known_through: 2099-12-31\n"
        "    rates:\n      - {from: 2025-06-11, percent: 2.15}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DUNWELL_REFERENCE_RATES_FILE", str(own))
    extended = json.loads(cli("dunning", "rates", "--as-of", "2099-01-01", "--json").stdout)
    ecb = next(s for s in extended["series"] if s["id"] == "ecb_mro")
    assert (ecb["source"], ecb["percent_on_day"], ecb["covered"]) == ("file", "2.15", True)
    assert extended["file"] == str(own)
    own.write_text("series:\n  ecb_mro:\n    label: x\n    rates: []\n", encoding="utf-8")
    broken = cli("dunning", "rates", "--json")
    assert broken.exit_code != 0
    assert "known_through" in broken.output
