"""Input files and helpers shared by the CLI tests (tests/cli/)."""

from __future__ import annotations

from sqlalchemy import func, select

from dunwell.kit.db import create_db_engine, session_factory

JSON_KEYS = ["read", "imported", "updated", "unchanged", "rejected", "reject_file"]


INVOICES_CSV = """
invoice_id,customer_id,customer_name,issue_date,due_date,currency,amount,open_amount,paid_date
INV-1,C1,Acme,2024-01-01,2024-01-31,USD,100.00,,
INV-2,C1,Acme,2024-01-10,2024-02-09,USD,250.00,100.00,
INV-3,C2,Beta,2024-01-15,2024-02-14,USD,75.50,,2024-02-01
"""


BAD_INVOICES_CSV = """
invoice_id,customer_id,issue_date,due_date,currency,amount
INV-1,C1,2024-01-01,2024-01-31,USD,100.00
INV-2,C1,2024-13-01,2024-01-31,USD,100.00
INV-3,C1,2024-01-01,2024-01-31,USD,-1.00
INV-4,C2,2024-01-01,2024-01-31,USD,40.00
"""


SAP_MAPPING = """
kind: invoices
date_formats: ["%d.%m.%Y"]
decimal_separator: ","
thousands_separator: "."
fields:
  invoice_id: Belegnummer
  customer_id: Kunde
  issue_date: Belegdatum
  due_date: {add_days: {date: issue_date, days: 30}}
  amount: Betrag
  currency: {const: EUR}
  disputed: {column: Strittig, true_values: ["Ja"], false_values: ["Nein"]}
"""


def one_line(text: str) -> str:
    """The only non-blank line of ``text`` (the contract for user mistakes: one line, no traceback)."""
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got:\n{text}"
    assert "Traceback" not in text
    return lines[0]


def count(url: str, model: type) -> int:
    """Rows of ``model`` in the database at ``url``."""
    engine = create_db_engine(url)
    try:
        with session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(model)) or 0
    finally:
        engine.dispose()
