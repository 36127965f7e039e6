"""A family's period as the statement files its bank would send: one per entity per month, in the
family's format (camt.053, BAI2 or a CSV export), each reconciling (opening + credits = closing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from dunwell.simulate.families import FamilyRendering
from dunwell.simulate.families_us import bai2_statement
from dunwell.simulate.presets import Entity
from dunwell.simulate.statements import camt053, monthly_statements, statement_csv

SUFFIXES = {"camt053": ".camt053.xml", "bai2": ".bai2", "csv": ".csv"}


def statement_files(
    rendering: FamilyRendering, entities: tuple[Entity, ...], *, start: date, end: date
) -> dict[str, str]:
    """File name -> text of every statement of the period (months without credits left out)."""
    style = rendering.family
    payments = [s.payment for s in rendering.shown]
    if style.currency is not None:  # the same amounts, booked in the family's currency
        entities = tuple(replace(e, currency=style.currency) for e in entities)
        payments = [replace(p, currency=style.currency) for p in payments]
    shown = {s.payment.payment_id: s for s in rendering.shown}
    statements = monthly_statements(entities, payments, start=start, end=end)
    files = {}
    for statement in statements:
        if not statement.payments:
            continue
        name = f"{style.name}-{statement.statement_id}{SUFFIXES[style.file_format]}"
        if style.file_format == "bai2":
            files[name] = bai2_statement(statement, shown)
        elif style.file_format == "csv":
            files[name] = statement_csv(statement)
        else:
            files[name] = camt053(statement)
    return files
