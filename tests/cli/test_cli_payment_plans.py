"""`dunwell plans record|list` over a migrated SQLite book: a plan agreed on a call becomes one
promise per instalment, inside the customer's policy limits; a bad instalment names itself."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from factories import make_customer, make_invoice


def test_a_plan_agreed_on_a_call_is_recorded_and_listed(cli, sqlite_url) -> None:
    assert cli("db", "upgrade").exit_code == 0
    today = date.today()
    engine = create_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        customer = make_customer(session)
        invoice = make_invoice(
            session, customer=customer, amount="3000.00", issue_date=today - timedelta(days=60)
        )
        ids = (customer.id, invoice.id)
    engine.dispose()
    first, second = today + timedelta(days=7), today + timedelta(days=37)

    typo = cli("plans", "record", ids[0], "--invoice", ids[1], "--instalment", f"{first}:1500", "--by", "t")
    assert typo.exit_code != 0
    assert "write DATE=AMOUNT" in typo.output

    recorded = cli(
        "plans", "record", ids[0], "--invoice", ids[1], "--by", "tester", "--json",
        "--instalment", f"{first}=1500.00", "--instalment", f"{second}=1500.00",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    plan = json.loads(recorded.stdout)
    assert (plan["status"], plan["total_minor"], plan["recorded_by"]) == ("active", 300_000, "tester")
    assert [i["due_date"] for i in plan["instalments"]] == [first.isoformat(), second.isoformat()]

    listed = json.loads(cli("plans", "list", ids[0], "--json").stdout)
    assert [p["id"] for p in listed] == [plan["id"]]
