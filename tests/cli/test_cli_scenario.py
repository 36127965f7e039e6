"""`dunwell scenario run FILE.yaml` on the stored book, end to end on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

SCENARIOS = """
scenarios:
  - name: Everyone on net 60
    kind: terms_change
    all: true
    to_days: 60
  - name: 2/10 net 30
    kind: early_payment_discount
    all: true
    terms: "2/10 net 30"
    default_uptake: 1.0
  - name: Oldest first
    kind: collection_policy
    policy: oldest-first
"""


def _stock(cli, tmp_path: Path) -> None:
    out = tmp_path / "company"
    made = cli("simulate", "company", "--preset", "distributor", "--customers", "30", "--months", "12",
               "--seed", "3", "--start", "2024-01", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    for kind in ("customers", "invoices"):
        as_of = ("--as-of", "2024-12-31") if kind == "invoices" else ()
        assert cli("import", kind, out / f"{kind}.csv", "--preset", "sim", *as_of).exit_code == 0
    assert cli("model", "train", "--as-of", "2024-10-31", "--holdout-days", "0").exit_code == 0


def test_scenarios_report_deltas_dso_cost_and_assumptions_and_refuse_unknown_names(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    _stock(cli, tmp_path)
    scenarios = tmp_path / "what-if.yaml"
    scenarios.write_text(SCENARIOS, encoding="utf-8")
    done = cli("scenario", "run", scenarios, "--as-of", "2024-12-31", "--draws", "200", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    by_name = {s["name"]: s for s in report["scenarios"]}
    assert set(by_name) == {"Everyone on net 60", "2/10 net 30", "Oldest first"}
    later, discount, policy = by_name["Everyone on net 60"], by_name["2/10 net 30"], by_name["Oldest first"]
    assert later["delta_total_p50"] < 0, "longer terms bring less cash within 13 weeks"
    assert float(later["dso_delta_days"]) > 0
    assert discount["delta_p50_weekly"][1] > 0, "takers pay on day 10"
    assert discount["cost_minor"] > 0
    assert all(s["assumptions"] for s in report["scenarios"])
    assert any("lab" in line for line in policy["assumptions"])
    shown = cli("scenario", "run", scenarios, "--as-of", "2024-12-31", "--draws", "100")
    assert shown.exit_code == 0, shown.output
    assert "Everyone on net 60" in shown.stdout
    assert "assumes:" in shown.stdout

    # A file naming what the book lacks is an error, with the name in the message.
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("scenarios:\n  - kind: terms_change\n    segments: [no-such-segment]\n    to_days: 60\n")
    done = cli("scenario", "run", wrong, "--as-of", "2024-12-31", "--draws", "100", "--json")
    assert done.exit_code != 0
    assert "no-such-segment" in json.loads(done.stdout)["error"]["message"]
