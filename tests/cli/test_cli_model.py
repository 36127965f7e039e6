"""`dunwell model train|score|list|monitor` and `dunwell invoices show`, end to end on SQLite."""

from __future__ import annotations

import json
from pathlib import Path


def _stock(cli, tmp_path: Path) -> Path:
    out = tmp_path / "company"
    made = cli("simulate", "company", "--preset", "distributor", "--customers", "30", "--months", "12",
               "--seed", "3", "--start", "2024-01", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    for kind in ("customers", "invoices"):
        as_of = ("--as-of", "2024-12-31") if kind == "invoices" else ()
        done = cli("import", kind, out / f"{kind}.csv", "--preset", "sim", *as_of)
        assert done.exit_code == 0, done.output
    return out


def test_train_score_list_show_and_monitor(cli, sqlite_url: str, tmp_path: Path) -> None:
    _stock(cli, tmp_path)

    trained = cli("model", "train", "--as-of", "2024-10-31", "--holdout-days", "45", "--json")
    assert trained.exit_code == 0, trained.output
    model = json.loads(trained.stdout)
    assert model["version"] == 1
    assert model["known_until"] == "2024-10-31"
    assert model["metrics"]["n_test"] > 0
    assert "baselines" in model["metrics"]
    assert "share_still_open" in model["metrics"]["holdout"]

    scored = cli("model", "score", "--as-of", "2024-11-15", "--json")
    assert scored.exit_code == 0, scored.output
    run = json.loads(scored.stdout)
    assert run["version"] == 1
    assert run["invoices_scored"] > 0

    listed = json.loads(cli("model", "list", "--json").stdout)
    assert [m["version"] for m in listed] == [1]
    assert listed[0]["scoring_runs"] == 1
    assert listed[0]["last_scored"] == "2024-11-15"
    assert set(listed[0]["chosen"]["groups"]) == {"new", "thin", "established"}
    established = listed[0]["chosen"]["groups"]["established"]
    assert {"model", "customer_median_delay", "due_date"} <= set(established["validation_mae"])
    table = cli("model", "list")
    assert "v1" in table.stdout
    assert "2024-10-31" in table.stdout
    assert "established:" in table.stdout.replace("\n", " ") or "establishe" in table.stdout

    monitored = cli("model", "monitor", "--json")
    assert monitored.exit_code == 0, monitored.output
    report = json.loads(monitored.stdout)
    assert report["months"][0]["month"] == "2024-11"
    assert isinstance(report["retrain"], bool)
    assert "Retrain" in cli("model", "monitor", "--min-within-5", "1").stdout


def test_invoices_show_prints_the_prediction_and_its_reasons(cli, sqlite_url: str, tmp_path: Path) -> None:
    _stock(cli, tmp_path)
    assert cli("model", "train", "--as-of", "2024-10-31", "--holdout-days", "0").exit_code == 0
    assert cli("model", "score", "--as-of", "2024-11-15").exit_code == 0
    # An invoice open on the scoring day: issued shortly before it.
    number = next(
        line.split(",")[0]
        for line in (tmp_path / "company" / "invoices.csv").read_text().splitlines()[1:]
        if line.split(",")[4] == "2024-11-14" and line.split(",")[13] == "invoice"
    )

    shown = cli("invoices", "show", number, "--json")
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert detail["invoice"] == number
    assert detail["prediction"]["model_version"] == 1
    assert detail["prediction"]["reasons"]

    assert detail["prediction"]["risk_reasons"]

    text = cli("invoices", "show", number).stdout
    assert "Expected payment" in text
    assert "Risk: late" in text
    assert "Why this risk" in text


def test_the_model_commands_fail_with_one_clear_line(cli, sqlite_url: str, tmp_path: Path) -> None:
    no_model = cli("model", "score", "--as-of", "2024-11-15")
    assert no_model.exit_code == 4
    assert "no model has been trained yet" in no_model.stderr

    assert cli("model", "list").stdout.startswith("No model yet")

    unknown = cli("invoices", "show", "NOPE")
    assert unknown.exit_code == 4
    assert "no invoice 'NOPE'" in unknown.stderr

    empty = cli("model", "train", "--as-of", "2024-10-31")
    assert empty.exit_code == 2
    assert "no invoices" in empty.stderr

    bad_day = cli("model", "train", "--as-of", "31/10/2024")
    assert bad_day.exit_code == 2
    assert "--as-of must be a date" in bad_day.stderr
