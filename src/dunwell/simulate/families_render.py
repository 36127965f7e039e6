"""Render a simulated company's period in a remittance family (see ``families``)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

from dunwell.simulate.families import (
    FAMILIES,
    FamilyRendering,
    Paid,
    PaymentFacts,
    Renderer,
    Shown,
    UsAch,
    family_rng,
)
from dunwell.simulate.families_extras import extra_credits
from dunwell.simulate.families_numbers import renumbered
from dunwell.simulate.families_text import TextRenderer
from dunwell.simulate.families_us import UsAchRenderer
from dunwell.simulate.records import Company, SimCustomer, SimInvoice, SimPayment
from dunwell.simulate.subscriptions import PROCESSOR

_NO_REMITTANCE = frozenset({"", "PAYMENT", "INVOICE PAYMENT", "THANK YOU"})
_PO = re.compile(r"PO\d{6}")


def render_family(company: Company, start: date, end: date, family: str, *, seed: int = 0) -> FamilyRendering:
    """``company``'s credits from ``start`` to ``end`` as ``family``'s bank shows them."""
    style = FAMILIES[family]
    scheme_rng = family_rng(style, seed, "numbering", company.preset, company.seed)
    scheme = scheme_rng.choice(style.numbering) if style.numbering else None
    documents = {d.invoice_id: d for d in (*company.invoices, *company.credit_memos)}
    numbers = {i: renumbered(scheme, i, d.issue_date) for i, d in documents.items()} if scheme else {}
    customers = {c.customer_id: c for c in company.customers}
    render: Renderer = (
        UsAchRenderer(style, seed, customers)
        if isinstance(style, UsAch)
        else TextRenderer(style, seed, customers)
    )
    by_account = {c.account: c for c in company.customers}
    allocations: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for a in company.allocations:
        allocations[a.payment_id].append((a.invoice_id, a.amount))
    accounts: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    shown: list[Shown] = []
    for payment in company.payments:
        if payment.value_date > end:
            continue
        customer = customers[payment.customer_id]
        payer = by_account.get(payment.payer_account, customer)
        facts = _facts(payment, customer, payer, allocations[payment.payment_id], documents, numbers)
        one = render.shown(family_rng(style, seed, payment.payment_id), facts)
        if payment.value_date >= start:
            shown.append(one)
            continue
        if one.payment.payer_account:
            accounts[customer.customer_id].add(one.payment.payer_account)
        if one.payment.payer_name:
            aliases[customer.customer_id].add(one.payment.payer_name)
    extras = extra_credits(style, seed, company, start, end, len(shown))
    shown.extend(extras)
    return FamilyRendering(
        family=style,
        numbers=numbers,
        names={c.customer_id: render.master_name(c) for c in company.customers},
        shown=shown,
        extras=frozenset(e.payment.payment_id for e in extras),
        accounts={c: tuple(sorted(a)) for c, a in accounts.items()},
        aliases={c: tuple(sorted(a)) for c, a in aliases.items()},
    )


def _facts(
    payment: SimPayment,
    customer: SimCustomer,
    payer: SimCustomer,
    allocated: list[tuple[str, Decimal]],
    documents: dict[str, SimInvoice],
    numbers: dict[str, str],
) -> PaymentFacts:
    invoices, memos, pos = [], [], []
    for invoice_id, amount in allocated:
        doc = documents[invoice_id]
        number = numbers.get(invoice_id, invoice_id)
        if doc.document_type == "credit_memo":
            memos.append((number, amount))
            continue
        discount = doc.discount if doc.paid_date == payment.value_date else Decimal(0)
        invoices.append(Paid(number, amount, doc.amount, discount, doc.issue_date))
        if doc.po_number:
            pos.append(doc.po_number)
    return PaymentFacts(payment, customer, payer, _kind(payment), tuple(invoices), tuple(memos), tuple(pos))


def _kind(payment: SimPayment) -> str:
    if payment.payer_name == PROCESSOR:
        return "card"
    if payment.structured_reference:
        return "refs"
    text = payment.remittance_text.strip()
    if text.upper() in _NO_REMITTANCE:
        return "none"
    if all(_PO.fullmatch(token) for token in text.split()):
        return "po"
    return "refs"
