"""`dunwell forecast --as-of D` on the stored book, end to end on SQLite: JSON, CSV and the fan
chart as PNG and SVG."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from xml.etree import ElementTree


def _stock(cli, tmp_path: Path) -> None:
    out = tmp_path / "company"
    made = cli("simulate", "company", "--preset", "distributor", "--customers", "30", "--months", "12",
               "--seed", "3", "--start", "2024-01", "--out", out)  # fmt: skip
    assert made.exit_code == 0, made.output
    for kind in ("customers", "invoices"):
        as_of = ("--as-of", "2024-12-31") if kind == "invoices" else ()
        assert cli("import", kind, out / f"{kind}.csv", "--preset", "sim", *as_of).exit_code == 0


def test_forecast_prints_json_writes_csv_draws_the_fan_chart_and_refuses_what_it_cannot(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    no_day = cli("forecast", "--json")
    assert no_day.exit_code != 0
    assert "--as-of" in no_day.stdout
    _stock(cli, tmp_path)
    no_model = cli("forecast", "--as-of", "2024-12-31", "--json")
    assert no_model.exit_code != 0
    assert "no model" in json.loads(no_model.stdout)["error"]["message"]
    assert cli("model", "train", "--as-of", "2024-10-31", "--holdout-days", "0").exit_code == 0
    early = cli("forecast", "--as-of", "2024-10-01", "--json")
    assert early.exit_code != 0
    assert json.loads(early.stdout)["error"]["code"] == "model_from_the_future"
    gif = cli("forecast", "--as-of", "2024-12-31", "--draws", "50", "--chart", tmp_path / "x.gif", "--json")
    assert gif.exit_code != 0
    assert ".png or .svg" in json.loads(gif.stdout)["error"]["message"]
    table, png = tmp_path / "out" / "forecast.csv", tmp_path / "out" / "fan.png"
    done = cli(
        "forecast", "--as-of", "2024-12-31", "--draws", "100", "--csv", table, "--chart", png, "--json"
    )
    assert done.exit_code == 0, done.output
    forecast = json.loads(done.stdout)
    help_text = cli("forecast", "--help").stdout
    assert "JSON:" in help_text
    assert {"as_of", "weeks", "by", "model_version", "calibration", "groups"} <= set(forecast)
    assert forecast["as_of"] == "2024-12-31"
    assert forecast["model_version"] == 1
    groups = forecast["groups"]
    assert groups
    assert all(len(g["weeks"]) == 13 and len(g["days"]) == 91 for g in groups)
    for week in groups[0]["weeks"]:
        assert week["p10_minor"] <= week["p50_minor"] <= week["p90_minor"]

    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert len(rows) == len(groups) * (91 + 13 + 1)
    first_week = next(r for r in rows if r["bucket"] == "week" and r["currency"] == groups[0]["currency"])
    assert int(first_week["p50_minor"]) == groups[0]["weeks"][0]["p50_minor"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    svg = tmp_path / "fan.svg"
    by_segment = cli("forecast", "--as-of", "2024-12-31", "--draws", "100", "--by", "segment", "--chart", svg)
    assert by_segment.exit_code == 0, by_segment.output
    assert "week ending" in by_segment.stdout
    assert f"Chart written to {svg}" in by_segment.stdout.replace("\n", "")
    assert ElementTree.parse(svg).getroot().tag.endswith("svg")
