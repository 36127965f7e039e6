"""A generated company as the files a simulated company folder holds, without writing anything:
each CSV file as a header and its rows, each statement folder as its statements, and the
manifest as a dict. ``dunwell.simulation.company_files`` writes them.

``view_files`` is the company as known on a day: CSVs that ``dunwell import`` reads (preset
``sim``), the truth behind them, and the payments as bank statements. ``future_files`` is the truth
after an as-of date: the outcome of every invoice still open on that date or issued later, and the
later payments with their allocations. ``cash_month_files`` is what cash application starts from
when a month's statements arrive (``--cash-month``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from dunwell.simulate.addresses import simulated_address
from dunwell.simulate.records import Company, SimCustomer, SimInvoice, SimPayment
from dunwell.simulate.statements import Statement, monthly_statements, next_month
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


@dataclass(frozen=True, slots=True)
class Table:
    """One CSV file: its header and its rows (produced while they are written, not held)."""

    header: tuple[str, ...]
    rows: Iterable[Sequence[object]]


#: A folder's files in order: file name -> a CSV table, or folder name -> the statements it holds.
Files = dict[str, Table | list[Statement]]


def manifest(company: Company, *, as_of: date | None) -> dict[str, Any]:
    """How the company was made (``company.json``), so tools such as the strategy lab can rebuild it."""
    return {
        "preset": company.preset,
        "customers": len(company.customers),
        "months": company.months,
        "seed": company.seed,
        "start": company.start.isoformat(),
        "end": company.end.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "invoices": len(company.invoices),
    }


def behaviour_truth(company: Company) -> Table:
    """Each customer's latent type, habit and behaviour parameters."""
    return Table(
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


def view_files(company: Company, *, known_on: date | None) -> Files:
    """The company as known on ``known_on`` (None: at the end of the simulation)."""
    day = known_on or company.end
    customers = [c for c in company.customers if c.joined <= day]
    known_customers = {c.customer_id for c in customers}
    payments = [p for p in company.payments if p.value_date <= day]
    return {
        "customers.csv": _customers(customers),
        "contacts.csv": Table(
            ("contact_id", "customer_id", "name", "email", "phone", "natural_person", "role"),
            (
                (c.contact_id, c.customer_id, c.name, c.email, c.phone, _bool(c.natural_person), c.role)
                for c in company.contacts
                if c.customer_id in known_customers
            ),
        ),
        "invoices.csv": Table(
            INVOICE_COLUMNS, (_invoice_row(i, known_on) for i in _documents(company) if i.issue_date <= day)
        ),
        **_payments(payments, company),
        "touches.csv": Table(
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
        "statements": monthly_statements(company.entities, payments, start=company.start, end=day),
        **_attempts(company, day),
    }


def future_files(company: Company, *, after: date) -> Files:
    """The truth after ``after``: invoices open then or issued later, and the later payments."""
    later = [
        i for i in _documents(company) if i.issue_date > after or (i.paid_date is None or i.paid_date > after)
    ]
    return {
        "invoices.csv": Table(INVOICE_COLUMNS, (_invoice_row(i, None) for i in later)),
        **_payments([p for p in company.payments if p.value_date > after], company),
    }


def cash_month_files(company: Company, month: date) -> Files:
    """The books a cash team holds when ``month``'s bank statements arrive.

    The ERP knows every document issued by the month's end, settled only as far as the cash applied
    before the month says; ``payments.csv`` is that earlier cash, each payment with the customer it
    was applied to (which is how the accounts customers pay from are learned). ``statements`` holds
    the month's statements only, and ``truth.csv`` what each of their payments really paid, in the
    ``dunwell cashapp evaluate`` format (``payment_ref`` is the statements' entry reference).
    Raises ``ValueError`` for a month outside the simulated period.
    """
    first = month.replace(day=1)
    last = min(next_month(first) - timedelta(days=1), company.end)
    before = first - timedelta(days=1)
    if not company.start <= first <= company.end:
        raise ValueError(f"{first:%Y-%m} is outside the simulated period {company.start} to {company.end}")
    history = [p for p in company.payments if p.value_date <= before]
    statements = monthly_statements(
        company.entities, [p for p in company.payments if p.value_date <= last], start=company.start, end=last
    )
    month_ids = {p.payment_id for p in company.payments if first <= p.value_date <= last}
    return {
        "customers.csv": _customers(c for c in company.customers if c.joined <= last),
        "invoices.csv": Table(
            INVOICE_COLUMNS, (_invoice_row(i, before) for i in _documents(company) if i.issue_date <= last)
        ),
        "payments.csv": Table(
            (*PAYMENT_COLUMNS, "customer_id"), ((*_payment_row(p), p.customer_id) for p in history)
        ),
        "statements": [s for s in statements if s.month == first],
        "truth.csv": Table(
            ("payment_ref", "invoice_id", "amount"),
            (
                (a.payment_id, a.invoice_id, a.amount)
                for a in company.allocations
                if a.payment_id in month_ids
            ),
        ),
    }


#: The simulated AR team: each customer's portfolio owner (a collector's login).
COLLECTORS = ("collector1", "collector2", "collector3")


def _customers(customers: Iterable[SimCustomer]) -> Table:
    return Table(
        ("customer_id", "name", "entity", "country", "currency", "time_zone", "terms", "credit_limit",
         "segment", "parent_id", "owner", *ADDRESS_COLUMNS),
        (
            (c.customer_id, c.name, c.entity, c.country, c.currency, c.time_zone, c.terms, c.credit_limit,
             c.size, c.parent_id or "", _owner(c.customer_id),
             *simulated_address(c.customer_id, c.country).values())
            for c in customers
        ),
    )  # fmt: skip


ADDRESS_COLUMNS = ("address_line1", "postal_code", "city", "region")


def _owner(customer_id: str) -> str:
    """Portfolios split by customer number (the simulator's randomness is left untouched)."""
    digits = "".join(ch for ch in customer_id if ch.isdigit())
    return COLLECTORS[int(digits or 0) % len(COLLECTORS)]


def _attempts(company: Company, day: date) -> Files:
    """Card charges and their retries (subscription companies only)."""
    if not company.charge_attempts:
        return {}
    rows = (
        (a.invoice_id, a.attempt, a.day, "succeeded" if a.succeeded else "failed")
        for a in company.charge_attempts
        if a.day <= day
    )
    return {"charge_attempts.csv": Table(("invoice_id", "attempt", "day", "result"), rows)}


def _payments(payments: list[SimPayment], company: Company) -> Files:
    ids = {p.payment_id for p in payments}
    return {
        "payments.csv": Table(PAYMENT_COLUMNS, (_payment_row(p) for p in payments)),
        "allocations_truth.csv": Table(
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


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _number(value: object) -> object:
    return round(value, 3) if isinstance(value, float) else ("" if value is None else value)
