"""Constructed payment histories for the segment tests: one customer per behaviour, each invoice
issued every nine days (so due dates wander over weekdays and days of the month) and paid by a rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pandas as pd

from dunwell.ml.history import InvoiceHistory, day_number

START = date(2023, 1, 2)
AS_OF = date(2024, 6, 30)
#: A rule: (invoice index, due date) -> paid date, or None while open.
Rule = Callable[[int, date], date | None]


def invoices(
    customer: str, rule: Rule, *, count: int = 55, start: date = START, every: int = 9
) -> list[dict]:
    rows = []
    for i in range(count):
        issued = start + timedelta(days=every * i)
        due = issued + timedelta(days=30)
        rows.append(
            {
                "invoice_id": f"{customer}-{i}",
                "customer_id": customer,
                "currency": "USD",
                "amount": 100.0,
                "issue_date": issued,
                "due_date": due,
                "paid_date": rule(i, due),
            }
        )
    return rows


def history(*groups: list[dict]) -> InvoiceHistory:
    frame = pd.DataFrame([row for group in groups for row in group])
    return InvoiceHistory.from_frame(frame.assign(paid_date=frame["paid_date"].astype(object)))


def after(days: int) -> Rule:
    return lambda _i, due: due + timedelta(days=days)


def next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def last_business_day(day: date) -> date:
    last = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    while last.weekday() >= 5:
        last -= timedelta(days=1)
    return last


def quarter_end(day: date) -> bool:
    return day.month % 3 == 0 and day.day >= 10


def as_of_day(day: date = AS_OF) -> int:
    return day_number(day)
