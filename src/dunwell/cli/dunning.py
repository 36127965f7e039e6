"""`dunwell dunning policy check|default|show` and `dunwell dunning rates`: dunning policies and
the late-payment reference rates as data (ADR 0029)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from dunwell.cli.errors import EXIT_USAGE
from dunwell.cli.options import JSON
from dunwell.cli.runtime import console, open_reader, parse_day, print_json, transaction, user_errors
from dunwell.config import get_settings
from dunwell.core.access import Principal
from dunwell.dunning.policy import PolicyBook
from dunwell.dunning.policy_files import default_policy_book, default_policy_text
from dunwell.dunning.policy_parse import check_policy_text
from dunwell.dunning.reference_rates import shipped_reference_rates
from dunwell.reminders import service as reminders
from dunwell.reminders.send_time_report import send_time_result

app = typer.Typer(
    help="Dunning: reminder policies and the plan of who is reminded when.", no_args_is_help=True
)
policy = typer.Typer(
    help="Dunning policies: the ladders of reminder steps, as YAML files.", no_args_is_help=True
)
app.add_typer(policy, name="policy")


@policy.command("check")
def check_command(
    file: Annotated[
        Path,
        typer.Argument(help="The policy file (YAML) to check.", exists=True, dir_okay=False, readable=True),
    ],
    as_json: JSON = False,
) -> None:
    """Check a policy file; list every problem with its line and field. Exit 0 valid, 2 invalid.

    JSON: {"file", "valid", "problems": [{"line", "path", "message"}], "policies": [{"name", "steps"}],
    "assignments": {"default", "customers", "segments", "entities"}} (policies and assignments when valid).
    """
    problems, book = _check(file)
    if as_json:
        payload: dict[str, Any] = {"file": str(file), "valid": not problems, "problems": problems}
        if book is not None:
            payload |= _describe(book)
        print_json(payload)
    elif problems:
        console.print(f"{escape(str(file))}: {len(problems)} problem(s)", highlight=False, soft_wrap=True)
        for p in problems:
            where = f", {p['path']}" if p["path"] else ""
            console.print(
                f"  line {p['line']}{escape(where)}: {escape(p['message'])}", highlight=False, soft_wrap=True
            )
    elif book is not None:
        described = _describe(book)
        names = ", ".join(f"{p['name']} ({len(p['steps'])} steps)" for p in described["policies"])
        console.print(
            f"{escape(str(file))}: valid: {names}; default {book.assignments.default}", highlight=False
        )
    if problems:
        raise typer.Exit(EXIT_USAGE)


@policy.command("default")
def default_command(as_json: JSON = False) -> None:
    """Print the shipped default policy file, to copy and edit.

    JSON: {"text": the file as written, "policies": [{"name", "steps"}], "assignments": {...}}.
    """
    if as_json:
        print_json({"text": default_policy_text()} | _describe(default_policy_book()))
        return
    typer.echo(default_policy_text(), nl=False)


@policy.command("show")
def show_command(
    customer: Annotated[str, typer.Argument(help="The customer's id in the source system (external id).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day whose segment decides (default today).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """Which dunning policy a customer gets, and why (its own entry, its segment's, its entity's or
    the default), with the policy's steps.

    JSON: {"customer_id", "external_id", "name", "segment", "entity", "policy", "source", "key",
    "explanation", "steps": [{"id", "when", "tone", "channels"}]}.
    """
    day = parse_day(as_of, option="--as-of") if as_of else date.today()  # noqa: DTZ011 - the book's day
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            shown = reminders.policy_for(
                session, Principal.operator("dunning"), runtime.settings, customer_ref=customer, as_of=day
            )
    if as_json:
        print_json(shown)
        return
    console.print(
        f"{escape(shown['name'])} ({escape(shown['external_id'])}): {escape(shown['explanation'])}",
        highlight=False,
        soft_wrap=True,
    )
    for step in shown["steps"]:
        console.print(
            f"  {step['id']}: {step['when']}, {step['tone']}, {', '.join(step['channels'])}", highlight=False
        )


@app.command("send-time-gain")
def send_time_gain_command(
    since: Annotated[str, typer.Option("--since", help="Reminders sent from this day (YYYY-MM-DD).")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Cash known by this day (default today).")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=90, help="Cash within this many days of sending.")
    ] = 7,
    as_json: JSON = False,
) -> None:
    """What sending at each customer's own hour gains: reminders sent at the chosen hour against the
    holdout that would have had one, by the share whose items got cash within --days of sending,
    with a 95 % interval on the difference. Only reminders whose outcome is complete count.

    JSON: {"sent_from", "sent_before", "as_of", "days", "chosen": {"reminders", "paid", "paid_share",
    "cash_share"}, "holdout": {...}, "too_few_events", "difference", "ci95": [low, high] | null,
    "enough", "note"}.
    """
    first = parse_day(since, option="--since")
    day = parse_day(as_of, option="--as-of") if as_of else date.today()  # noqa: DTZ011 - the book's day
    with user_errors():
        runtime = open_reader()
        with transaction(runtime) as session:
            gain, window = send_time_result(
                session, Principal.operator("dunning"), since=first, as_of=day, days=days
            )
    shown = window | {"as_of": day.isoformat()} | gain.to_dict()
    if as_json:
        print_json(shown)
        return
    for arm, figures in (("chosen", gain.chosen), ("holdout", gain.holdout)):
        console.print(
            f"{arm}: {figures.reminders} reminders, cash within {days} days after {figures.paid} "
            f"({figures.paid_share}), mean share of the amount {figures.cash_share}",
            highlight=False,
        )
    console.print(f"difference {shown['difference']} (95 % {shown['ci95']}): {gain.note}", highlight=False)


@app.command("rates")
def rates_command(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The day to give each rate for (default today).")
    ] = None,
    as_json: JSON = False,
) -> None:
    """The reference rates late-payment interest is computed on: each series, the days it covers,
    its rate on a day, and where it comes from (shipped, or DUNWELL_REFERENCE_RATES_FILE). A day past
    a series' known_through has no rate, and claims that need it are left out with a note.

    JSON: {"as_of", "file", "series": [{"id", "label", "known_from", "known_through", "latest_percent",
    "percent_on_day", "covered", "source"}]}.
    """
    day = parse_day(as_of, option="--as-of") if as_of else date.today()  # noqa: DTZ011 - the book's day
    with user_errors():
        settings = get_settings()
        rates = reminders.reference_rates(settings)
        shipped = shipped_reference_rates().series
    rows = []
    for source, series in sorted(rates.series.items()):
        covered = series.known_from <= day <= series.known_through
        rows.append(
            {
                "id": source,
                "label": series.label,
                "known_from": series.known_from.isoformat(),
                "known_through": series.known_through.isoformat(),
                "latest_percent": str(series.changes[-1].percent),
                "percent_on_day": str(series.rate_on(day)) if covered else None,
                "covered": covered,
                "source": "shipped" if shipped.get(source) == series else "file",
            }
        )
    if as_json:
        print_json({"as_of": day.isoformat(), "file": settings.reference_rates_file, "series": rows})
        return
    for row in rows:
        rate = (
            f"{row['percent_on_day']} %" if row["covered"] else f"unknown (data ends {row['known_through']})"
        )
        console.print(f"{row['id']} ({row['source']}): {row['label']}, on {day}: {rate}", highlight=False)


def _check(file: Path) -> tuple[list[dict[str, Any]], PolicyBook | None]:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [{"line": 1, "path": "", "message": f"cannot read the file: {exc}"}], None
    checked = check_policy_text(text)
    return [p.to_dict() for p in checked.problems], checked.book


def _describe(book: PolicyBook) -> dict[str, Any]:
    a = book.assignments
    return {
        "policies": [
            {
                "name": p.name,
                "steps": [
                    {
                        "id": s.id,
                        "when": s.describe_when(),
                        "tone": s.tone.value,
                        "channels": [c.value for c in s.channels],
                    }
                    for s in p.steps
                ],
            }
            for p in book.policies.values()
        ],
        "assignments": {
            "default": a.default,
            "customers": dict(a.customers),
            "segments": dict(a.segments),
            "entities": dict(a.entities),
        },
    }
