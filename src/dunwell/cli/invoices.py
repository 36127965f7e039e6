"""`dunwell invoices show`: one invoice with its latest payment prediction and the reasons."""

from __future__ import annotations

from typing import Annotated

import typer

from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, open_reader, print_json, transaction, user_errors
from dunwell.prediction.invoice_view import invoice_detail

app = typer.Typer(help="Look up invoices.", no_args_is_help=True)


@app.command("show")
def show_command(
    number: Annotated[str, typer.Argument(help="The invoice number.")],
    entity: Annotated[str | None, typer.Option("--entity", help="Entity code, when numbers repeat.")] = None,
    as_json: JSON = False,
) -> None:
    """The invoice, and when it will be paid and how risky it is, with the reasons (reads only).

    JSON: {"invoice", "entity", "customer", "kind", "issue_date", "due_date", "terms", "currency",
    "amount", "open_amount", "status", "cleared_on", "disputed", "prediction"}; "prediction" is null
    or {"model_version", "as_of", "p10_date", "p50_date", "p90_date", "p50_days_late", "risk_late",
    "risk_late30", "risk_late60", "reasons", "risk_reasons"}.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            detail = invoice_detail(session, number, entity=entity)
    if as_json:
        print_json(detail)
        return
    console.print(
        f"Invoice {detail['invoice']} ({detail['entity']}) to {detail['customer']['name']} "
        f"[{detail['customer']['id']}]: {detail['currency']} {detail['amount']}, "
        f"open {detail['open_amount']}, "
        f"issued {detail['issue_date']}, due {detail['due_date']}, {detail['status']}"
        + (", disputed" if detail["disputed"] else ""),
        highlight=False,
    )
    prediction = detail["prediction"]
    if prediction is None:
        console.print("No prediction yet: run `dunwell model score --as-of DATE`.")
        return
    console.print(
        f"Expected payment {prediction['p50_date']} (80% range {prediction['p10_date']} to "
        f"{prediction['p90_date']}), by model v{prediction['model_version']} as of {prediction['as_of']}.",
        highlight=False,
    )
    console.print(
        f"Risk: late {prediction['risk_late']:.0%}, over 30 days late {prediction['risk_late30']:.0%}, "
        f"over 60 days late or written off {prediction['risk_late60']:.0%}.",
        highlight=False,
    )
    for reason in prediction["reasons"]:
        console.print(f"  - {reason}", highlight=False)
    if prediction.get("risk_reasons"):
        console.print("Why this risk:", highlight=False)
        for reason in prediction["risk_reasons"]:
            console.print(f"  - {reason}", highlight=False)
