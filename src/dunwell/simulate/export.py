"""Write a generated company as files: CSVs that ``dunwell import`` reads (preset ``sim``), the
truth behind them, and the payments as bank statements.

With an as-of date, ``asof/`` holds only what was known on that date (the open book, history and
statements so far) and ``future/`` the truth after it: the outcome of every invoice still open on
the as-of date or issued later, and the later payments with their allocations. ``write_cash_month``
writes what cash application starts from when a month's statements arrive (``--cash-month``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

from dunwell.simulate.company import paused_gc
from dunwell.simulate.records import Company, SimCustomer, SimInvoice, SimPayment
from dunwell.simulate.statements import monthly_statements, next_month, write_statements
from dunwell.simulate.touches import routine_touches

INVOICE_COLUMNS = (
    "invoice_id", "customer_id", "customer_name", "entity", "issue_date", "due_date", "terms", "currency",
    "amount", "open_amount", "paid_date", "disputed", "po_number", "document_type", "applies_to",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "payment_id", "entity", "value_date", "amount", "currency", "payer_name", "payer_account",
    "remittance_text",
)  # fmt: skip
_BEHAVIOUR_PARAMETERS = (
    "run_weekday", "mean_delay", "spread", "drift_per_month", "spread_growth", "takes_discount",
    "partial_share", "dispute_rate", "default_month", "seasonal_extra",
)  # fmt: skip


def write_company(company: Company, out: Path, *, as_of: date | None = None) -> dict[str, int]:
    """Write ``company`` into ``out``; returns the rows (or statements) written per file.

    ``company.json`` records how it was made, so tools (the strategy lab) can rebuild it exactly.
    """
    with paused_gc():
        return _write_company(company, out, as_of=as_of)


def _write_company(company: Company, out: Path, *, as_of: date | None) -> dict[str, int]:
    counts = _write_view(company, out, known_on=None)
    manifest = {
        "preset": company.preset,
        "customers": len(company.customers),
        "months": company.months,
        "seed": company.seed,
        "start": company.start.isoformat(),
        "end": company.end.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "invoices": len(company.invoices),
    }
    (out / "company.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    counts["behaviour_truth.csv"] = _write(
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
    )
    if as_of is not None:
        for name, rows in _write_view(company, out / "asof", known_on=as_of).items():
            counts[f"asof/{name}"] = rows
        for name, rows in _write_future(company, out / "future", after=as_of).items():
            counts[f"future/{name}"] = rows
    return counts


def _write_view(company: Company, out: Path, *, known_on: date | None) -> dict[str, int]:
    """The company as known on ``known_on`` (None: at the end of the simulation)."""
    out.mkdir(parents=True, exist_ok=True)
    day = known_on or company.end
    customers = [c for c in company.customers if c.joined <= day]
    known_customers = {c.customer_id for c in customers}
    payments = [p for p in company.payments if p.value_date <= day]
    statements = monthly_statements(company.entities, payments, start=company.start, end=day)
    return {
        "customers.csv": _write_customers(out, customers),
        "contacts.csv": _write(
            out / "contacts.csv",
            ("contact_id", "customer_id", "name", "email", "phone", "natural_person", "role"),
            (
                (c.contact_id, c.customer_id, c.name, c.email, c.phone, _bool(c.natural_person), c.role)
                for c in company.contacts
                if c.customer_id in known_customers
            ),
        ),
        "invoices.csv": _write(
            out / "invoices.csv",
            INVOICE_COLUMNS,
            (_invoice_row(i, known_on) for i in _documents(company) if i.issue_date <= day),
        ),
        **_write_payments(out, payments, company),
        "touches.csv": _write(
            out / "touches.csv",
            ("touch_id", "customer_id", "day", "channel", "direction", "tone", "outcome", "invoice_ids"),
            (
                (
                    t.touch_id,
                    t.customer_id,
                    t.day,
                    t.channel.value,
                    t.direction.value,
                    t.tone.value,
                    t.outcome,
                    " ".join(t.invoice_ids),
                )
                for t in routine_touches(company)
                if t.day <= day
            ),
        ),
        "statements": write_statements(statements, out / "statements"),
        **_write_attempts(company, out, day),
    }


def _write_customers(out: Path, customers: Iterable[SimCustomer]) -> int:
    return _write(
        out / "customers.csv",
        ("customer_id", "name", "entity", "country", "currency", "time_zone", "terms", "credit_limit",
         "segment", "parent_id"),
        (
            (c.customer_id, c.name, c.entity, c.country, c.currency, c.time_zone, c.terms, c.credit_limit,
             c.size, c.parent_id or "")
            for c in customers
        ),
    )  # fmt: skip


def write_cash_month(company: Company, out: Path, month: date) -> dict[str, int]:
    """The books a cash team holds when ``month``'s bank statements arrive, written into ``out``.

    The ERP knows every document issued by the month's end, settled only as far as the cash applied
    before the month says; ``payments.csv`` is that earlier cash, each payment with the customer it
    was applied to (which is how the accounts customers pay from are learned). ``statements/`` holds
    the month's statements only, and ``truth.csv`` what each of their payments really paid, in the
    ``dunwell cashapp evaluate`` format (``payment_ref`` is the statements' entry reference).
    """
    first = month.replace(day=1)
    last = min(next_month(first) - timedelta(days=1), company.end)
    before = first - timedelta(days=1)
    if not company.start <= first <= company.end:
        raise ValueError(f"{first:%Y-%m} is outside the simulated period {company.start} to {company.end}")
    out.mkdir(parents=True, exist_ok=True)
    history = [p for p in company.payments if p.value_date <= before]
    statements = monthly_statements(
        company.entities, [p for p in company.payments if p.value_date <= last], start=company.start, end=last
    )
    month_ids = {p.payment_id for p in company.payments if first <= p.value_date <= last}
    return {
        "customers.csv": _write_customers(out, (c for c in company.customers if c.joined <= last)),
        "invoices.csv": _write(
            out / "invoices.csv",
            INVOICE_COLUMNS,
            (_invoice_row(i, before) for i in _documents(company) if i.issue_date <= last),
        ),
        "payments.csv": _write(
            out / "payments.csv",
            (*PAYMENT_COLUMNS, "customer_id"),
            ((*_payment_row(p), p.customer_id) for p in history),
        ),
        "statements": write_statements((s for s in statements if s.month == first), out / "statements"),
        "truth.csv": _write(
            out / "truth.csv",
            ("payment_ref", "invoice_id", "amount"),
            (
                (a.payment_id, a.invoice_id, a.amount)
                for a in company.allocations
                if a.payment_id in month_ids
            ),
        ),
    }


def _write_attempts(company: Company, out: Path, day: date) -> dict[str, int]:
    """Card charges and their retries (subscription companies only)."""
    if not company.charge_attempts:
        return {}
    rows = (
        (a.invoice_id, a.attempt, a.day, "succeeded" if a.succeeded else "failed")
        for a in company.charge_attempts
        if a.day <= day
    )
    return {
        "charge_attempts.csv": _write(
            out / "charge_attempts.csv", ("invoice_id", "attempt", "day", "result"), rows
        )
    }


def _write_future(company: Company, out: Path, *, after: date) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    later = [
        i for i in _documents(company) if i.issue_date > after or (i.paid_date is None or i.paid_date > after)
    ]
    return {
        "invoices.csv": _write(out / "invoices.csv", INVOICE_COLUMNS, (_invoice_row(i, None) for i in later)),
        **_write_payments(out, [p for p in company.payments if p.value_date > after], company),
    }


def _write_payments(out: Path, payments: list[SimPayment], company: Company) -> dict[str, int]:
    ids = {p.payment_id for p in payments}
    return {
        "payments.csv": _write(
            out / "payments.csv",
            PAYMENT_COLUMNS,
            (_payment_row(p) for p in payments),
        ),
        "allocations_truth.csv": _write(
            out / "allocations_truth.csv",
            ("payment_id", "invoice_id", "amount"),
            ((a.payment_id, a.invoice_id, a.amount) for a in company.allocations if a.payment_id in ids),
        ),
    }


def _payment_row(p: SimPayment) -> tuple[object, ...]:
    return (p.payment_id, p.entity, p.value_date, p.amount, p.currency, p.payer_name, p.payer_account,
            p.remittance_text)  # fmt: skip


def _invoice_row(invoice: SimInvoice, known_on: date | None) -> tuple[object, ...]:
    paid = (
        invoice.paid_date
        if invoice.paid_date and (known_on is None or invoice.paid_date <= known_on)
        else None
    )
    c = invoice.customer
    return (
        invoice.invoice_id, c.customer_id, c.name, c.entity, invoice.issue_date, invoice.due_date, c.terms,
        c.currency, invoice.amount, invoice.open_amount(known_on), paid or "",
        _bool(invoice.disputed and paid is None), invoice.po_number or "", invoice.document_type,
        invoice.credit.invoice_id if invoice.document_type == "credit_memo" and invoice.credit else "",
    )  # fmt: skip


def _documents(company: Company) -> Iterator[SimInvoice]:
    """Invoices, then credit memos (each names the invoice it credits in ``applies_to``)."""
    yield from company.invoices
    yield from company.credit_memos


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
