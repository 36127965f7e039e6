"""A small simulated company imported the way a user imports it, with a payment model trained on
it: the book the forecast tests (service, page, browser) read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.documents import DocumentKind
from dunwell.core.money import Money
from dunwell.imports.flows import run_import
from dunwell.ingest import ImportKind, load_preset
from dunwell.orm import Customer, Invoice
from dunwell.prediction.service import train_model
from dunwell.settlements.posting import allocate
from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company
from factories import make_payment

TRAINED_TO = date(2024, 12, 31)
TODAY = date(2025, 3, 31)  # the import's day: what is open now is open in the tables
MAIN = "USD"  # the simulated distributor bills most customers in USD
#: Fewer trees than the product's default: these tests check the plumbing, not the accuracy.
FAST = {"n_estimators": 40, "n_jobs": 1}


def write_small_company(out: Path) -> Path:
    company = generate_company(
        preset=PRESETS["distributor"], customers=40, months=15, seed=8, start=date(2024, 1, 1)
    )
    write_company(company, out)
    return out


def stock_and_train(sessions: sessionmaker[Session], company: Path) -> None:
    for kind, name in ((ImportKind.CUSTOMERS, "customers.csv"), (ImportKind.INVOICES, "invoices.csv")):
        report = run_import(
            sessions, kind=kind, path=company / name, mapping=load_preset("sim", kind),
            mapping_label="sim", as_of=TODAY, batch_size=5000, snapshot=False, in_process=False,
        )  # fmt: skip
        assert report.rejected == 0
    with sessions.begin() as session:
        train_model(session, as_of=TRAINED_TO, holdout_days=None, params=FAST)


def pay_largest_open_invoice(sessions: sessionmaker[Session]) -> int:
    """Apply cash to the largest invoice open today in the main currency; returns the amount."""
    with sessions.begin() as session:
        invoice = session.scalars(
            select(Invoice)
            .where(Invoice.kind == DocumentKind.INVOICE, Invoice.currency == MAIN)
            .where(Invoice.issue_date <= TODAY, Invoice.open_amount_minor > 0)
            .order_by(Invoice.open_amount_minor.desc())
        ).first()
        assert invoice is not None
        paid = invoice.open_amount_minor
        amount = Money.from_minor(paid, invoice.currency)
        customer = session.get(Customer, invoice.customer_id)
        payment = make_payment(
            session, customer=customer, amount=str(amount.amount), currency=invoice.currency, value_date=TODAY
        )
        allocate(session, payment_id=payment.id, invoice_id=invoice.id, amount=amount, applied_on=TODAY,
                 actor="test")  # fmt: skip
    return paid
