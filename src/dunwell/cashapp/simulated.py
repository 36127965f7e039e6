"""The simulator's company as the cash-application engine sees it on a given month.

Open items: every invoice and unconsumed credit memo issued by the end of the month and open at
its start (invoices cancelled in full are left out, as an ERP shows them settled). Customers:
name, and the accounts and payer names that paid them before the month (what applying past cash
taught). Payments: the month's credits, with the simulator's allocations as the truth. Used by
the cash-application benchmark, its calibration, and the tests that hold the engine to the truth.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dunwell.cashapp.matching_run import discount_offered
from dunwell.matching.records import CustomerProfile, IncomingPayment, OpenItem
from dunwell.simulate.records import Company

CENT = Decimal("0.01")


@dataclass(frozen=True)
class MonthCase:
    items: list[OpenItem]
    customers: list[CustomerProfile]
    payments: list[IncomingPayment]
    truth: list[tuple[str, str, Decimal]]
    truth_customers: dict[str, str]


def month_case(company: Company, month: date, *, months: int = 1) -> MonthCase:
    start = month.replace(day=1)
    end = start
    for _ in range(months):
        end = (end + timedelta(days=32)).replace(day=1)
    end -= timedelta(days=1)
    before = start - timedelta(days=1)
    items = []
    for doc in (*company.invoices, *company.credit_memos):
        if doc.issue_date > end or doc.cancelled or (doc.credit is not None and doc.credit.cancelled):
            continue
        if doc.document_type == "credit_memo":
            consumed = doc.paid_date is not None and doc.paid_date < start
            open_amount = Decimal(0) if consumed else doc.amount
        else:
            open_amount = doc.open_amount(before) if doc.issue_date <= before else doc.amount
        if open_amount == 0:
            continue
        # The discount and its window as the production run derives them from the terms (one
        # code path: the same rounding and grace days).
        offered = doc.customer.terms_detail.payment_terms() if doc.document_type == "invoice" else None
        discount, until = discount_offered(offered, int(doc.amount * 100), doc.issue_date)
        items.append(
            OpenItem(
                item_id=doc.invoice_id,
                customer_id=doc.customer.customer_id,
                currency=doc.customer.currency,
                open_minor=int(open_amount * 100),
                amount_minor=int(doc.amount * 100),
                issue_date=doc.issue_date,
                due_date=doc.due_date,
                po_number=doc.po_number if doc.document_type == "invoice" else None,
                discount_minor=discount,
                discount_until=until,
            )
        )
    accounts: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for payment in company.payments:
        if payment.value_date < start:
            accounts[payment.customer_id].add(payment.payer_account)
            names[payment.customer_id].add(payment.payer_name)
    customers = [
        CustomerProfile(
            c.customer_id,
            c.name,
            tuple(sorted(accounts[c.customer_id])),
            tuple(sorted(names[c.customer_id])),
            parent_id=c.parent_id,
        )
        for c in company.customers
    ]
    month_payments = [p for p in company.payments if start <= p.value_date <= end]
    ids = {p.payment_id for p in month_payments}
    payments = [
        IncomingPayment(
            payment_ref=p.payment_id,
            amount_minor=int(p.amount * 100),
            currency=p.currency,
            value_date=p.value_date,
            payer_name=p.payer_name,
            payer_account=p.payer_account,
            remittance=p.remittance_text,
            structured_reference=p.structured_reference or None,
        )
        for p in month_payments
    ]
    truth = [(a.payment_id, a.invoice_id, a.amount) for a in company.allocations if a.payment_id in ids]
    return MonthCase(items, customers, payments, truth, {p.payment_id: p.customer_id for p in month_payments})
