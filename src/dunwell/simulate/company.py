"""Generate a company: customers, their invoices, the payments that settle them, and the truth.

Deterministic for a seed: one ``random.Random`` drives everything, in a fixed order. Each
customer's invoices are drawn month by month; each invoice gets the day its customer means to pay
(``behaviour.delay_days``), moved to the customer's payment run; everything a customer pays on
one day is one bank payment. The truth of every payment (which invoices it settles, by how much)
is kept, so matching and prediction can be scored against it.
"""

from __future__ import annotations

import gc
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

import holidays

from dunwell.simulate.behaviour import (
    Behaviour,
    CustomerType,
    delay_days,
    lognormal,
    next_business_day,
    payment_day,
)
from dunwell.simulate.presets import Preset, Terms, draw_behaviour
from dunwell.simulate.records import (
    AllocationTruth,
    Company,
    SimContact,
    SimCustomer,
    SimInvoice,
    SimPayment,
)
from dunwell.simulate.remittance import STYLE_WEIGHTS, payer_name, remittance_text
from dunwell.simulate.subscriptions import (
    PROCESSOR,
    ChargeAttempt,
    Subscription,
    charge,
    draw_subscription,
    processor_fee,
)

_CENT = Decimal("0.01")
#: Of the invoices a credit memo is issued against, the share cancelled in full (wrong order,
#: goods refused); the rest are partial credits of 5-30 % (returns, short shipments, prices).
_CANCELLED_SHARE = 0.15
_NAMES = (
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Soylent", "Cyberdyne", "Tyrell",
    "Wonka", "Stark", "Wayne", "Pied Piper", "Gringotts", "Monarch", "Oscorp", "Duff", "Krusty",
)  # fmt: skip
_KINDS = ("Foods", "Distribution", "Manufacturing", "Services", "International", "Brothers", "Holdings")
_SUFFIXES = ("Inc.", "LLC", "Ltd", "Corp.", "Co.")


@dataclass(slots=True)
class _Due:
    """An instalment a customer will pay: part of one invoice, on an intended day."""

    invoice: SimInvoice
    amount: Decimal  # the cash paid: net of a credit memo the customer deducts
    intended: date
    by_card: bool = False  # settled by the card processor, net of its fee
    memo: SimInvoice | None = None  # a credit memo netted in this instalment

    @property
    def settles(self) -> Decimal:
        """What this instalment settles on the invoice: the cash and the credit netted."""
        return self.amount - self.memo.amount if self.memo is not None else self.amount


@dataclass(slots=True)
class _State:
    rng: random.Random
    preset: Preset
    start: date
    end: date
    months: int
    invoices: list[SimInvoice] = field(default_factory=list)
    payments: list[SimPayment] = field(default_factory=list)
    truth: list[AllocationTruth] = field(default_factory=list)
    attempts: list[ChargeAttempt] = field(default_factory=list)
    closed: dict[str, set[date]] = field(default_factory=dict)
    credit_memos: list[SimInvoice] = field(default_factory=list)
    next_invoice: int = 1
    next_memo: int = 1
    next_payment: int = 1


def generate_company(*, preset: Preset, customers: int, months: int, seed: int, start: date) -> Company:
    """A company of ``customers`` customers trading for ``months`` months from ``start``."""
    with paused_gc():
        return _generate(preset=preset, customers=customers, months=months, seed=seed, start=start)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic records are made.

    Each full collection walks every live object, and with millions of them a generation takes
    a third of its time in collections that find nothing (records hold no reference cycles).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _generate(*, preset: Preset, customers: int, months: int, seed: int, start: date) -> Company:
    rng = random.Random(seed)
    end = _add_months(start, months) - timedelta(days=1)
    state = _State(rng=rng, preset=preset, start=start, end=end, months=months)
    years = range(start.year, end.year + 2)
    for entity in preset.entities:
        state.closed[entity.country] = set(holidays.country_holidays(entity.country, years=years))
    sim_customers: list[SimCustomer] = []
    contacts: list[SimContact] = []
    for index in range(customers):
        customer = _customer(state, index)
        sim_customers.append(customer)
        contacts.extend(_contacts(rng, customer))
    parents = [c for c in sim_customers if c.size == "large"]
    # Group membership has its own random stream, so every other draw is the same with or without it.
    groups = random.Random(seed * 1_000_003 + 7)
    sim_customers = [_grouped(groups, c, parents, preset.group_share) for c in sim_customers]
    for customer in sim_customers:
        _trade(state, customer, parents)
    return Company(
        preset=preset.name,
        entities=preset.entities,
        seed=seed,
        months=months,
        start=start,
        end=end,
        customers=sim_customers,
        contacts=contacts,
        invoices=state.invoices,
        payments=state.payments,
        allocations=state.truth,
        charge_attempts=state.attempts,
        credit_memos=state.credit_memos,
    )


def _grouped(
    rng: random.Random, customer: SimCustomer, parents: list[SimCustomer], share: float
) -> SimCustomer:
    """``customer``, perhaps a member of a group headed by one of the large customers of its entity."""
    heads = [p for p in parents if p.entity == customer.entity and p is not customer]
    if customer.size == "large" or not heads or rng.random() >= share:
        return customer
    return replace(customer, parent_id=rng.choice(heads).customer_id)


def _customer(state: _State, index: int) -> SimCustomer:
    rng, preset = state.rng, state.preset
    entity = rng.choices(preset.entities, [e.weight for e in preset.entities])[0]
    types, weights = zip(*preset.type_mix, strict=True)
    customer_type: CustomerType = rng.choices(types, weights)[0]
    behaviour = draw_behaviour(rng, preset, customer_type)
    size, scale, _ = rng.choices(preset.sizes, [w for _, _, w in preset.sizes])[0]
    terms = rng.choices(preset.terms, [t.weight for t in preset.terms])[0]
    joined = state.start
    if rng.random() < preset.new_customer_share:
        joined = state.start + timedelta(days=rng.randint(0, max(0, (state.end - state.start).days - 60)))
    name = f"{rng.choice(_NAMES)} {rng.choice(_KINDS)} {index + 1} {rng.choice(_SUFFIXES)}"
    monthly = lognormal(rng, preset.invoices_per_month[0], preset.invoices_per_month[1])
    limit = Decimal(round(preset.invoice_median * scale * monthly * 3, -2) or 100).quantize(_CENT)
    subscription = None
    if preset.subscription:
        subscription = draw_subscription(
            rng, size=size, months=state.months, monthly_churn=preset.monthly_churn
        )
        limit = subscription.price * 3
        if subscription.by_card:
            terms = Terms("DUE0", 0, 0.0)
    return SimCustomer(
        customer_id=f"C{index + 1:06d}",
        name=name,
        entity=entity.code,
        country=entity.country,
        currency=entity.currency,
        time_zone=entity.time_zone,
        terms=terms.code,
        size=size,
        industry=rng.choice(preset.industries),
        credit_limit=limit,
        joined=joined,
        behaviour=behaviour,
        terms_detail=terms,
        amount_scale=scale,
        invoices_per_month=monthly,
        account=f"{entity.country}{rng.randint(10, 99)}BANK{rng.randint(10**9, 10**10 - 1)}",
        subscription=subscription,
    )


def _contacts(rng: random.Random, customer: SimCustomer) -> list[SimContact]:
    domain = customer.name.split()[0].lower().replace(" ", "") + ".example"
    roles = ("ap", "controller") if customer.size != "small" else ("owner",)
    return [
        SimContact(
            contact_id=f"{customer.customer_id}-{n + 1}",
            customer_id=customer.customer_id,
            name=f"{role.title()} {customer.customer_id}",
            email=f"{role}@{customer.customer_id.lower()}.{domain}",
            phone=f"+1-555-{rng.randint(1000000, 9999999)}",
            natural_person=customer.size == "small",
            role=role,
        )
        for n, role in enumerate(roles)
    ]


def _trade(state: _State, customer: SimCustomer, parents: list[SimCustomer]) -> None:
    rng = state.rng
    dues: list[_Due] = []
    month_start = state.start
    month = 0
    plan = customer.subscription
    while month_start <= state.end:
        next_month = _add_months(month_start, 1)
        if plan is not None:  # one invoice a month on the billing day, until the customer churns
            issues = iter([month_start.replace(day=plan.billing_day)] if _billed(plan, month) else [])
        else:
            issues = _random_days(rng, month_start, next_month, _poisson(rng, customer.invoices_per_month))
        for issue in issues:  # lazily: each day is drawn just before its invoice (a fixed draw order)
            if issue < customer.joined or issue > state.end:
                continue
            invoice = _invoice(state, customer, issue)
            dues.extend(_plan_payment(state, customer.behaviour, invoice, month))
        month_start, month = next_month, month + 1
    _pay(state, customer, dues, parents)


def _billed(plan: Subscription, month: int) -> bool:
    return plan.churn_month is None or month < plan.churn_month


def _random_days(rng: random.Random, first: date, after: date, count: int) -> Iterator[date]:
    for _ in range(count):
        yield first + timedelta(days=rng.randrange((after - first).days))


def _invoice(state: _State, customer: SimCustomer, issue: date) -> SimInvoice:
    rng, preset = state.rng, state.preset
    terms = customer.terms_detail
    if customer.subscription is not None:
        amount = customer.subscription.price
    else:
        low, high = preset.invoice_bounds
        raw = lognormal(rng, preset.invoice_median * customer.amount_scale, preset.invoice_sigma)
        amount = Decimal(str(round(min(max(raw, low), high), 2))).quantize(_CENT)
    number = f"{90000000 + state.next_invoice}"
    state.next_invoice += 1
    invoice = SimInvoice(
        invoice_id=number,
        customer=customer,
        issue_date=issue,
        due_date=_due_date(issue, terms),
        amount=amount,
        po_number=f"PO{rng.randint(100000, 999999)}" if rng.random() < 0.6 else None,
        disputed=rng.random() < customer.behaviour.dispute_rate,
    )
    state.invoices.append(invoice)
    return invoice


def _due_date(issue: date, terms: Terms) -> date:
    due = issue + timedelta(days=terms.net_days)
    if terms.end_of_month:
        due = _add_months(date(due.year, due.month, 1), 1) - timedelta(days=1)
    return due


def _plan_payment(state: _State, behaviour: Behaviour, invoice: SimInvoice, month: int) -> list[_Due]:
    """The instalments the customer will pay for ``invoice`` (none when it defaults)."""
    rng = state.rng
    if behaviour.default_month is not None and month >= behaviour.default_month:
        return []
    credit = _credit(state, invoice)
    if credit is not None and credit >= invoice.amount:
        _issue_memo(state, invoice, credit, invoice.issue_date + timedelta(days=rng.randint(1, 20)))
        return []  # cancelled in full: settled by the credit memo alone
    dues = _instalments(state, behaviour, invoice, month, invoice.amount - (credit or 0))
    if credit is not None and dues:
        # Returns and price corrections are credited before the customer pays, which deducts them.
        first = dues[0]
        latest = max(invoice.issue_date, first.intended - timedelta(days=1))
        day = min(invoice.issue_date + timedelta(days=rng.randint(1, 25)), latest)
        first.memo = _issue_memo(state, invoice, credit, day)
    return dues


def _credit(state: _State, invoice: SimInvoice) -> Decimal | None:
    """The amount a credit memo will credit on ``invoice`` (returns, price corrections), if any."""
    share, rng = state.preset.credit_memo_share, state.rng
    if not share or invoice.customer.subscription is not None or rng.random() >= share:
        return None
    if rng.random() < _CANCELLED_SHARE:
        return invoice.amount
    return (invoice.amount * Decimal(rng.randint(5, 30)) / 100).quantize(_CENT)


def _issue_memo(state: _State, invoice: SimInvoice, credit: Decimal, day: date) -> SimInvoice | None:
    if day > state.end:
        return None  # credited after the simulated period: not in the book
    memo = SimInvoice(
        invoice_id=f"CM{80000000 + state.next_memo}",
        customer=invoice.customer,
        issue_date=day,
        due_date=day,
        amount=-credit,
        po_number=invoice.po_number,
        disputed=False,
        document_type="credit_memo",
        credit=invoice,
    )
    state.next_memo += 1
    invoice.credit = memo
    state.credit_memos.append(memo)
    if credit >= invoice.amount:  # a cancellation clears both documents on the memo's date
        memo.paid_date = invoice.paid_date = day
        memo.paid, invoice.paid = memo.amount, credit
    return memo


def _instalments(
    state: _State, behaviour: Behaviour, invoice: SimInvoice, month: int, amount: Decimal
) -> list[_Due]:
    """How the customer pays ``amount`` of ``invoice`` in cash: when, and in how many parts."""
    rng = state.rng
    terms = invoice.customer.terms_detail
    plan = invoice.customer.subscription
    if plan is not None and plan.by_card:
        charged, attempts = charge(rng, plan, invoice.invoice_id, invoice.issue_date)
        state.attempts.extend(attempts)
        if charged is not None:  # the processor pays out two business days later
            closed = state.closed[invoice.customer.country]
            settled = next_business_day(charged + timedelta(days=2), closed)
            return [_Due(invoice, amount, settled, by_card=True)]
        # Every retry failed: the customer is asked to pay by transfer, and does so at its pace.
        delay = delay_days(rng, behaviour, due=invoice.due_date, month=month) + rng.randint(8, 15)
        if delay > state.preset.write_off_days:
            return []
        return [_Due(invoice, amount, invoice.due_date + timedelta(days=max(delay, 8)))]
    if terms.discount_days and rng.random() < behaviour.takes_discount:
        # Most takers pay inside the window; some take the discount a few days late anyway.
        late = rng.random() < 0.2
        days = terms.discount_days + (rng.randint(1, 6) if late else -rng.randint(0, 3))
        # The discount the invoice offers, rounded as the product's terms catalogue rounds it
        # (half a cent up): payers take what is printed.
        invoice.discount = Decimal(terms.payment_terms().discount_minor(int(amount * 100))) / 100
        return [_Due(invoice, amount - invoice.discount, invoice.issue_date + timedelta(days=days))]
    delay = delay_days(rng, behaviour, due=invoice.due_date, month=month)
    if invoice.disputed:
        delay += rng.randint(8, 30)  # paid once the dispute is resolved
    if delay > state.preset.write_off_days:
        return []  # so late that it is never paid: the invoice stays open until written off
    intended = max(invoice.issue_date + timedelta(days=1), invoice.due_date + timedelta(days=delay))
    if rng.random() < behaviour.partial_share:
        first = (amount * Decimal(rng.choice((40, 50, 60, 70))) / 100).quantize(_CENT)
        later = intended + timedelta(days=rng.randint(14, 45))
        return [_Due(invoice, first, intended), _Due(invoice, amount - first, later)]
    return [_Due(invoice, amount, intended)]


def _pay(state: _State, customer: SimCustomer, dues: list[_Due], parents: list[SimCustomer]) -> None:
    rng, preset = state.rng, state.preset
    closed = state.closed[customer.country]
    by_day: dict[tuple[date, bool], list[_Due]] = defaultdict(list)
    for due in dues:
        day = due.intended if due.by_card else payment_day(customer.behaviour, due.intended, closed)
        due.invoice.plan.append((day, due.amount))  # what happens without extra collection work
        if day <= state.end:
            by_day[(day, due.by_card)].append(due)
    styles, weights = zip(*STYLE_WEIGHTS, strict=True)
    for day, by_card in sorted(by_day):
        paid = by_day[(day, by_card)]
        total = sum((d.amount for d in paid), Decimal(0))
        if by_card:
            _card_payout(state, customer, paid, total, day)
            continue
        payer = customer
        # Drawn as before groups existed (a random large customer), so that every later draw, and
        # with it every company generated before, stays the same; only the payer shown changes.
        drawn = customer
        if parents and rng.random() < preset.parent_payer_share:
            drawn = rng.choice(parents)
            if customer.parent_id is not None:  # the group company pays for its subsidiary
                payer = next(p for p in parents if p.customer_id == customer.parent_id)
        account = payer.account
        if rng.random() < preset.new_account_share:
            account = f"{customer.country}{rng.randint(10, 99)}NEWB{rng.randint(10**9, 10**10 - 1)}"
        amount = total
        if rng.random() < preset.bank_fee_share:
            amount -= (
                Decimal(rng.choice(("10.00", "15.00", "25.00", "35.00"))).min(total / 10).quantize(_CENT)
            )
        elif rng.random() < preset.overpayment_share:
            amount += Decimal(rng.choice(("1.00", "10.00", "100.00")))
        payment_id = f"P{state.next_payment:08d}"
        state.next_payment += 1
        invoices = [d.invoice for d in paid]
        text, structured = remittance_text(
            rng,
            rng.choices(styles, weights)[0],
            [i.invoice_id for i in invoices],
            [i.po_number for i in invoices],
            [d.memo.invoice_id for d in paid if d.memo is not None],
        )
        state.payments.append(
            SimPayment(
                payment_id=payment_id,
                customer_id=customer.customer_id,
                entity=customer.entity,
                value_date=day,
                amount=amount,
                currency=customer.currency,
                payer_name=_shown_name(rng, payer, drawn, payment_id),
                payer_account=account,
                remittance_text=text,
                structured_reference=structured,
            )
        )
        _record_truth(state, payment_id, paid, applied=min(amount, total), day=day)


def _shown_name(rng: random.Random, payer: SimCustomer, drawn: SimCustomer, payment_id: str) -> str:
    """The payer's name as the bank shows it, drawing from ``rng`` exactly as for ``drawn``."""
    shown = payer_name(rng, drawn.name)
    if payer is drawn:
        return shown
    return payer_name(random.Random(payment_id), payer.name)  # its own stream: ``rng`` is untouched


def _card_payout(state: _State, customer: SimCustomer, paid: list[_Due], total: Decimal, day: date) -> None:
    """A processor settlement of one customer's charges, net of the processor's fee per charge."""
    fee = sum((processor_fee(d.amount) for d in paid), Decimal(0))
    payment_id = f"P{state.next_payment:08d}"
    state.next_payment += 1
    numbers = " ".join(d.invoice.invoice_id for d in paid)
    state.payments.append(
        SimPayment(
            payment_id=payment_id,
            customer_id=customer.customer_id,
            entity=customer.entity,
            value_date=day,
            amount=total - fee,
            currency=customer.currency,
            payer_name=PROCESSOR,
            payer_account=f"{customer.country}00CARD0000000001",
            remittance_text=f"CARD {customer.name[:24]} {numbers}"[:140],
        )
    )
    _record_truth(state, payment_id, paid, applied=total - fee, day=day)


def _record_truth(state: _State, payment_id: str, paid: list[_Due], *, applied: Decimal, day: date) -> None:
    """Allocate ``applied`` over the instalments in order; a short-pay leaves the last one short."""
    # Netted credit memos are consumed in full; the cash and their credit settle the invoices.
    left = applied - sum((d.memo.amount for d in paid if d.memo is not None), Decimal(0))
    for due in paid:
        share = min(due.settles, left)
        left -= share
        invoice = due.invoice
        if share > 0:
            state.truth.append(AllocationTruth(payment_id, invoice.invoice_id, share))
        if due.memo is not None:
            state.truth.append(AllocationTruth(payment_id, due.memo.invoice_id, due.memo.amount))
            due.memo.paid, due.memo.paid_date = due.memo.amount, day
        invoice.paid += due.settles  # a bank fee short-pay is written off: the invoice is settled
        invoice.instalments.append((day, due.settles))
        if invoice.paid + invoice.discount >= invoice.amount:
            invoice.paid_date = day


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: means here are small (a few invoices a month).
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
