"""The worklist as the Excel file collectors share: one sheet per collector (the ranked rows, one line
per currency a customer owes in), and a "Left out" sheet with every customer left out and why.
Amounts are written as numbers in major units with their currency beside them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dunwell.core.money import minor_to_decimal
from dunwell.worklist.values import CurrencyFigures, LastTouch, LeftOut, Worklist

ROW_HEADER = (
    "Rank",
    "Customer",
    "Customer id",
    "Action",
    "Tone",
    "Minutes",
    "Currency",
    "Overdue",
    "Due within a week",
    "In dispute",
    "Expected extra cash (30 days)",
    "Value per minute (reference)",
    "Predicted paid",
    "Risk late",
    "Segment",
    "Last touch",
    "Promise",
    "Why",
    "Done",
)
LEFT_HEADER = ("Collector", "Customer", "Customer id", "Currency", "Overdue", "In dispute", "Reasons")
#: Characters Excel refuses in a sheet's name; names are at most 31 characters.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def write_workbook(found: Worklist, path: Path) -> None:
    import openpyxl  # imported here: it costs every CLI command start-up time

    book = openpyxl.Workbook()
    book.remove(book.active)
    for queue in found.queues:
        sheet = book.create_sheet(_sheet_name(queue.login, {s.title for s in book.worksheets}))
        sheet.append(
            [
                f"{queue.name}: {queue.planned_minutes} of {queue.capacity_minutes} minutes planned "
                f"for {found.as_of} (reference currency {found.reference_currency})"
            ]
        )
        sheet.append(list(ROW_HEADER))
        for row in queue.rows:
            s = row.suggestion
            for f in row.figures:
                sheet.append(
                    [
                        row.rank,
                        row.name,
                        row.external_id,
                        s.channel,
                        s.tone,
                        s.minutes,
                        *_money(f),
                        float(minor_to_decimal(s.per_minute_minor, found.reference_currency)),
                        row.prediction.p50_date if row.prediction else None,
                        round(row.prediction.risk_late, 3) if row.prediction else None,
                        row.segment.segment if row.segment else None,
                        _touch(row.last_touch),
                        f"{row.promise.status} ({row.promise.promised_date})" if row.promise else None,
                        "; ".join(row.why),
                        "yes" if row.done else "",
                    ]
                )
        sheet.freeze_panes = "A3"
    left = book.create_sheet("Left out")
    left.append(list(LEFT_HEADER))
    logins = {q.collector_id: q.login for q in found.queues}
    for queue in found.queues:
        for out in queue.left_out:
            _left_rows(left, logins.get(queue.collector_id, ""), out)
    for out in found.unassigned:
        _left_rows(left, "(nobody)", out)
    book.save(path)


def _money(f: CurrencyFigures) -> list[object]:
    """Currency, overdue, due soon, in dispute, expected: numbers Excel can sum (exact to the cent)."""
    return [
        f.currency,
        *(
            minor_to_decimal(m, f.currency)
            for m in (f.overdue_minor, f.due_soon_minor, f.disputed_minor, f.expected_minor)
        ),
    ]


def _left_rows(sheet: Any, login: str, out: LeftOut) -> None:
    reasons = "; ".join(f"{r.code.value}: {r.text}" for r in out.reasons)
    for f in out.figures:
        sheet.append(
            [
                login,
                out.name,
                out.external_id,
                f.currency,
                minor_to_decimal(f.overdue_minor, f.currency),
                minor_to_decimal(f.disputed_minor, f.currency),
                reasons,
            ]
        )


def _touch(touch: LastTouch | None) -> str | None:
    return f"{touch.day} {touch.channel}: {touch.outcome}" if touch else None


def _sheet_name(login: str, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAMES.sub("_", login)[:28] or "collector"
    name, n = base, 1
    while name in taken or name == "Left out":
        n += 1
        name = f"{base}-{n}"
    return name
