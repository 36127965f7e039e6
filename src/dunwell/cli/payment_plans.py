"""`dunwell plans accept|record|list`: instalment plans customers accepted, each instalment a
promise to pay that the dunning ladder waits for while the plan is kept."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.table import Table

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import console, open_runtime, parse_day, print_json, transaction, user_errors
from dunwell.collections import payment_plans
from dunwell.collections.payment_plans import PlanView, instalments_from_text
from dunwell.core.access import Principal
from dunwell.core.money import minor_to_decimal
from dunwell.reminders import plan_offers, service

app = typer.Typer(help="Instalment plans customers accepted: accept an offer, record one, list them.",
                  no_args_is_help=True)  # fmt: skip

INSTALMENTS = Annotated[
    list[str] | None,
    typer.Option(
        "--instalment",
        help="DATE=AMOUNT in the plan's currency, e.g. 2027-01-15=500.00; repeat for each (in date order).",
    ),
]
ON = Annotated[
    str | None, typer.Option("--on", help="The day the customer accepted (YYYY-MM-DD; default today).")
]


def _view(v: PlanView) -> dict[str, Any]:
    p = v.plan
    return {
        "id": p.id,
        "customer_id": p.customer_id,
        "currency": p.currency,
        "total_minor": p.total_minor,
        "accepted_on": p.accepted_on.isoformat(),
        "reminder_id": p.reminder_id,
        "status": v.status.value,
        "invoice_ids": v.invoice_ids,
        "instalments": [
            {
                "promise_id": i.promise_id,
                "due_date": i.due_date.isoformat(),
                "amount_minor": i.amount_minor,
                "status": i.status.value,
                "paid_minor": i.paid_minor,
                "judged_on": i.judged_on.isoformat(),
            }
            for i in v.instalments
        ],
        "recorded_by": p.recorded_by,
    }


def _show(views: list[dict[str, Any]], as_json: bool, *, one: bool = False) -> None:
    if as_json:
        print_json(views[0] if one else views)
        return
    table = Table("plan", "customer", "total", "accepted", "status", "instalments")
    for v in views:
        parts = ", ".join(
            f"{i['due_date']} {minor_to_decimal(i['amount_minor'], v['currency'])} ({i['status']})"
            for i in v["instalments"]
        )
        total = f"{minor_to_decimal(v['total_minor'], v['currency'])} {v['currency']}"
        table.add_row(str(v["id"]), str(v["customer_id"]), total, v["accepted_on"], v["status"], parts)
    console.print(table)


@app.command("accept")
def accept_command(
    reminder_id: int, by: ACTOR, instalment: INSTALMENTS = None, on: ON = None, as_json: JSON = False
) -> None:
    """The customer accepted the plan a sent reminder offered (as offered, or with --instalment as
    agreed, within the policy's limits): one promise per instalment; dunning pauses the items.

    JSON: {"id", "customer_id", "currency", "total_minor", "accepted_on", "reminder_id", "status",
    "invoice_ids", "instalments": [{"promise_id", "due_date", "amount_minor", "status", "paid_minor",
    "judged_on"}], "recorded_by"}.
    """
    with user_errors():
        runtime = open_runtime()
        day = parse_day(on, option="--on") if on else date.today()  # noqa: DTZ011 - the book's own day
        with transaction(runtime) as session:
            principal = Principal.operator(by)
            found = service.reminder(session, principal, reminder_id).reminder
            parts = instalments_from_text(instalment, found.currency) if instalment else None
            view = plan_offers.accept_offer(
                session, principal, service.policy_book(runtime.settings), reminder_id,
                accepted_on=day, instalments=parts,
            )  # fmt: skip
            shown = _view(view)
    _show([shown], as_json, one=True)


@app.command("record")
def record_command(
    customer_id: int,
    by: ACTOR,
    invoice: Annotated[
        list[int], typer.Option("--invoice", help="An open invoice id the plan pays off; repeat.")
    ],
    instalment: INSTALMENTS = None,
    on: ON = None,
    as_json: JSON = False,
) -> None:
    """A plan agreed with the customer (on a call) over open invoices; the limits of the customer's
    dunning policy apply when it has any.

    JSON: {"id", "customer_id", "currency", "total_minor", "accepted_on", "reminder_id", "status",
    "invoice_ids", "instalments": [{"promise_id", "due_date", "amount_minor", "status", "paid_minor",
    "judged_on"}], "recorded_by"}.
    """
    with user_errors():
        runtime = open_runtime()
        day = parse_day(on, option="--on") if on else date.today()  # noqa: DTZ011
        with transaction(runtime) as session:
            principal = Principal.operator(by)
            limits = plan_offers.customer_plan_limits(
                session, principal, runtime.settings, customer_id, as_of=day
            )
            currency = payment_plans.plan_currency(session, principal, customer_id, tuple(invoice))
            data = payment_plans.PlanInput(
                instalments=instalments_from_text(instalment or [], currency),
                invoice_ids=tuple(invoice),
                accepted_on=day,
            )
            shown = _view(payment_plans.accept_plan(session, principal, customer_id, data, limits=limits))
    _show([shown], as_json, one=True)


@app.command("list")
def list_command(
    customer_id: int,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Statuses as of this day (default today).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """A customer's plans with each instalment's status (kept, open, broken) as of a day.

    JSON: [{"id", "customer_id", "currency", "total_minor", "accepted_on", "reminder_id", "status",
    "invoice_ids", "instalments": [{"promise_id", "due_date", "amount_minor", "status", "paid_minor",
    "judged_on"}], "recorded_by"}].
    """
    with user_errors():
        runtime = open_runtime()
        day = parse_day(as_of, option="--as-of") if as_of else date.today()  # noqa: DTZ011
        with transaction(runtime) as session:
            found = payment_plans.plans(session, Principal.operator("plans"), customer_id, as_of=day)
            shown = [_view(v) for v in found]
    _show(shown, as_json)
