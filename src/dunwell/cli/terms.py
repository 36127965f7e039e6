"""`dunwell terms set|list`: the terms catalogue, what the ERP's terms codes mean."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dunwell.cli.options import ACTOR, JSON
from dunwell.cli.runtime import console, open_reader, open_runtime, print_json, transaction, user_errors
from dunwell.terms.service import catalogue, set_terms

app = typer.Typer(
    help="The terms catalogue: what each terms code means (its early-payment discount).",
    no_args_is_help=True,
)


@app.command("set")
def set_command(
    code: Annotated[str, typer.Argument(help="The terms code as invoices and customers carry it: NA32.")],
    definition: Annotated[
        str, typer.Argument(help="What it means: 'net 30', '2/10 net 30', '30 EOM', 'due on receipt'.")
    ],
    by: ACTOR,
    as_json: JSON = False,
) -> None:
    """Say what a terms code means; cash application then knows the discounts its invoices offer.

    JSON: {"code", "definition", "net_days", "discount_percent", "discount_days", "end_of_month"}.
    """
    with user_errors():
        runtime = open_runtime()
        with transaction(runtime) as session:
            entry = set_terms(session, code, definition, actor=by)
    if as_json:
        print_json(entry.to_dict())
        return
    console.print(f"{entry.code}: {entry.terms.describe()}", highlight=False)


@app.command("list")
def list_command(as_json: JSON = False) -> None:
    """Every code in the catalogue with what it means (reads only).

    JSON: {"count", "terms"}; each term as `terms set` prints it.
    """
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            entries = [e.to_dict() for e in catalogue(session)]
    if as_json:
        print_json({"count": len(entries), "terms": entries})
        return
    if not entries:
        console.print("The terms catalogue is empty: `dunwell terms set CODE '2/10 net 30'`.")
        return
    table = Table("code", "definition", "net days", "discount", "discount days")
    for e in entries:
        discount = f"{e['discount_percent']} %" if e["discount_percent"] else "-"
        table.add_row(e["code"], e["definition"], str(e["net_days"] if e["net_days"] is not None else "-"),
                      discount, str(e["discount_days"] or "-"))  # fmt: skip
    console.print(table)
