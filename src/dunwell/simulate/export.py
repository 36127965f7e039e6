"""Write a generated company as CSV files that ``dunwell import`` reads with its canonical columns."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from dunwell.simulate.records import Company

INVOICE_COLUMNS = (
    "invoice_id", "customer_id", "customer_name", "entity", "issue_date", "due_date", "terms", "currency",
    "amount", "open_amount", "paid_date", "disputed", "po_number", "document_type",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "payment_id", "entity", "value_date", "amount", "currency", "payer_name", "payer_account",
    "remittance_text",
)  # fmt: skip


def write_company(company: Company, out: Path) -> dict[str, int]:
    """Write every file of ``company`` into ``out`` (created); returns the rows written per file."""
    out.mkdir(parents=True, exist_ok=True)
    return {
        "customers.csv": _write(
            out / "customers.csv",
            ("customer_id", "name", "entity", "country", "currency", "terms", "credit_limit", "segment"),
            (
                (c.customer_id, c.name, c.entity, c.country, c.currency, c.terms, c.credit_limit, c.size)
                for c in company.customers
            ),
        ),
        "contacts.csv": _write(
            out / "contacts.csv",
            ("contact_id", "customer_id", "name", "email", "phone", "natural_person", "role"),
            (
                (c.contact_id, c.customer_id, c.name, c.email, c.phone, _bool(c.natural_person), c.role)
                for c in company.contacts
            ),
        ),
        "invoices.csv": _write(
            out / "invoices.csv",
            INVOICE_COLUMNS,
            (
                (
                    i.invoice_id,
                    i.customer.customer_id,
                    i.customer.name,
                    i.customer.entity,
                    i.issue_date,
                    i.due_date,
                    i.customer.terms,
                    i.customer.currency,
                    i.amount,
                    i.open_amount(),
                    i.paid_date or "",
                    _bool(i.disputed and i.paid_date is None),
                    i.po_number or "",
                    "invoice",
                )
                for i in company.invoices
            ),
        ),
        "payments.csv": _write(
            out / "payments.csv",
            PAYMENT_COLUMNS,
            (
                (
                    p.payment_id,
                    p.entity,
                    p.value_date,
                    p.amount,
                    p.currency,
                    p.payer_name,
                    p.payer_account,
                    p.remittance_text,
                )
                for p in company.payments
            ),
        ),
        "allocations_truth.csv": _write(
            out / "allocations_truth.csv",
            ("payment_id", "invoice_id", "amount"),
            ((a.payment_id, a.invoice_id, a.amount) for a in company.allocations),
        ),
        "behaviour_truth.csv": _write(
            out / "behaviour_truth.csv",
            ("customer_id", "type", "habit", "joined", *_BEHAVIOUR_PARAMETERS),
            (
                (
                    c.customer_id,
                    c.behaviour.type.value,
                    c.behaviour.habit.value,
                    c.joined,
                    *(_number(asdict(c.behaviour)[name]) for name in _BEHAVIOUR_PARAMETERS),
                )
                for c in company.customers
            ),
        ),
    }


_BEHAVIOUR_PARAMETERS = (
    "run_weekday", "mean_delay", "spread", "drift_per_month", "spread_growth", "takes_discount",
    "partial_share", "dispute_rate", "default_month", "seasonal_extra",
)  # fmt: skip


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _number(value: object) -> object:
    return round(value, 3) if isinstance(value, float) else ("" if value is None else value)
