"""`dunwell import contacts|touches` load the simulator's files (idempotently, with line-numbered
rejects) and `dunwell data-quality` reports on the customers."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select

from dunwell.orm.collections import Touch
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company


def test_the_simulators_contacts_and_touches_load_once(cli, sqlite_url, tmp_path: Path) -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=6, months=4, seed=11, start=date(2024, 1, 1)
    )
    folder = tmp_path / "company"
    counts = write_company(company, folder)
    assert cli("import", "customers", folder / "customers.csv", "--preset", "sim").exit_code == 0

    first = cli("import", "contacts", folder / "contacts.csv", "--preset", "sim", "--by", "tester", "--json")
    assert first.exit_code == 0, first.output
    loaded = json.loads(first.stdout)
    assert (loaded["inserted"], loaded["rejected"]) == (counts["contacts.csv"], 0)
    again = json.loads(cli("import", "contacts", folder / "contacts.csv", "--preset", "sim", "--json").stdout)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, counts["contacts.csv"])

    touches = cli("import", "touches", folder / "touches.csv", "--preset", "sim", "--json")
    assert touches.exit_code == 0, touches.output
    assert json.loads(touches.stdout)["inserted"] == counts["touches.csv"] > 0
    assert json.loads(cli("import", "touches", folder / "touches.csv", "--json").stdout)["inserted"] == 0

    quality = cli("data-quality", "--all", "--json")
    assert quality.exit_code == 0, quality.output
    found = json.loads(quality.stdout)
    assert found["count"] == 6
    assert all(
        "no_consent" in [r["code"] for r in c["reasons"]] for c in found["customers"]
    )  # the file has none


def test_bad_lines_are_rejected_by_number(cli, sqlite_url, tmp_path: Path) -> None:
    path = tmp_path / "touches.csv"
    path.write_text(
        "touch_id,customer_id,day,channel,direction,outcome\nT1,NOPE,2024-01-02,call,outbound,reached\n",
        encoding="utf-8",
    )
    result = cli("import", "touches", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rejects"] == [
        {"line": 2, "reason": "no customer 'NOPE': import customers first"}
    ]
    missing = tmp_path / "contacts.csv"
    missing.write_text("name\nx\n", encoding="utf-8")
    refused = cli("import", "contacts", missing, "--json")
    assert refused.exit_code != 0
    assert "lacks the column" in refused.stdout


def test_a_touchs_tone_is_kept_and_a_tone_nobody_knows_is_refused(cli, sqlite_url, tmp_path: Path) -> None:
    company = generate_company(
        preset=PRESETS["distributor"], customers=3, months=2, seed=11, start=date(2024, 1, 1)
    )
    folder = tmp_path / "company"
    write_company(company, folder)
    assert cli("import", "customers", folder / "customers.csv", "--preset", "sim").exit_code == 0
    customer = company.customers[0].customer_id
    path = tmp_path / "touches.csv"
    path.write_text(
        "touch_id,customer_id,day,channel,direction,tone,outcome\n"
        f"T1,{customer},2024-01-02,email,outbound,firm,sent\n"
        f"T2,{customer},2024-01-03,email,outbound,,sent\n"
        f"T3,{customer},2024-01-04,email,outbound,stern,sent\n",
        encoding="utf-8",
    )

    result = json.loads(cli("import", "touches", path, "--json").stdout)

    assert result["inserted"] == 2
    assert result["rejects"] == [{"line": 4, "reason": "tone 'stern' is not one of friendly, firm"}]
    with create_engine(sqlite_url).connect() as connection:
        tones = dict(connection.execute(select(Touch.external_id, Touch.tone)).all())
    assert tones == {"T1": "firm", "T2": None}
