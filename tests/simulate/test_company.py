"""The simulator's companies: deterministic, internally consistent, and calibrated to real data."""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import holidays
import pytest

from dunwell.simulate.company import generate_company
from dunwell.simulate.presets import PRESETS
from dunwell.simulation.company_files import write_company

START = date(2012, 1, 1)


def _ks_statistic(a: list[int], b: list[int]) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the two empirical CDFs."""
    a, b = sorted(a), sorted(b)
    i = j = 0
    gap = 0.0
    for x in sorted(set(a) | set(b)):
        while i < len(a) and a[i] <= x:
            i += 1
        while j < len(b) and b[j] <= x:
            j += 1
        gap = max(gap, abs(i / len(a) - j / len(b)))
    return gap


def test_ks_statistic_of_a_small_hand_example() -> None:
    # CDFs at 1, 2, 3: a = 1/2, 1, 1; b = 0, 1/2, 1 -> the largest gap is 1/2.
    assert _ks_statistic([1, 2], [2, 3]) == 0.5
    assert _ks_statistic([4, 5, 6], [4, 5, 6]) == 0.0


def test_the_same_seed_writes_the_same_files_and_another_seed_does_not(tmp_path: Path) -> None:
    def files(seed: int, name: str) -> dict[str, bytes]:
        company = generate_company(
            preset=PRESETS["distributor"], customers=30, months=6, seed=seed, start=START
        )
        write_company(company, tmp_path / name)
        root = tmp_path / name
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    first, again, other = files(7, "a"), files(7, "b"), files(8, "c")

    assert first == again
    assert first["invoices.csv"] != other["invoices.csv"]
    assert {name for name in first if "/" not in name} == {
        "customers.csv", "contacts.csv", "invoices.csv", "payments.csv", "allocations_truth.csv",
        "behaviour_truth.csv", "touches.csv", "company.json",
    }  # fmt: skip
    assert sum(name.startswith("statements/") for name in first) == 2 * 6 * 3  # entities x months x formats


@pytest.mark.parametrize("preset", ["ibm", "distributor", "saas"])
def test_payments_and_their_truth_agree_with_the_invoices(preset: str) -> None:
    company = generate_company(preset=PRESETS[preset], customers=60, months=12, seed=3, start=START)
    invoices = {i.invoice_id: i for i in company.invoices}
    memos = {m.invoice_id: m for m in company.credit_memos}
    payments = {p.payment_id: p for p in company.payments}
    applied_by_payment: dict[str, Decimal] = defaultdict(Decimal)
    applied_by_invoice: dict[str, Decimal] = defaultdict(Decimal)
    for truth in company.allocations:
        applied_by_payment[truth.payment_id] += truth.amount
        if truth.invoice_id in memos:  # a credit memo netted in the payment is consumed in full
            memo = memos[truth.invoice_id]
            assert truth.amount == memo.amount < 0
            assert memo.paid_date == payments[truth.payment_id].value_date
            continue
        assert truth.amount > 0
        applied_by_invoice[truth.invoice_id] += truth.amount

    assert len(payments) == len(company.payments)
    assert applied_by_payment.keys() <= payments.keys()
    for payment_id, payment in payments.items():
        assert applied_by_payment[payment_id] <= payment.amount  # the rest is unapplied cash
    for invoice_id, applied in applied_by_invoice.items():
        invoice = invoices[invoice_id]
        assert applied + invoice.discount <= invoice.amount
        if invoice.paid_date is not None:
            assert invoice.open_amount() == 0
            assert invoice.paid_date >= invoice.issue_date
    # Several invoices paid by one payment happen, as do payments for part of an invoice.
    per_payment = defaultdict(int)
    for truth in company.allocations:
        per_payment[truth.payment_id] += 1
    assert max(per_payment.values()) > 1


def test_payments_leave_on_business_days_of_the_customers_country() -> None:
    company = generate_company(preset=PRESETS["distributor"], customers=80, months=12, seed=5, start=START)
    country = {c.customer_id: c.country for c in company.customers}
    calendars = {code: holidays.country_holidays(code, years=range(2012, 2014)) for code in ("US", "CA")}

    for payment in company.payments:
        assert payment.value_date.weekday() < 5
        assert payment.value_date not in calendars[country[payment.customer_id]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ibm_preset_pays_late_like_the_ibm_sample(shared_data: Path, seed: int) -> None:
    with (shared_data / "ibm-ar" / "WA_Fn-UseC_-Accounts-Receivable.csv").open(newline="") as handle:
        sample = [int(row["DaysLate"]) for row in csv.DictReader(handle)]  # 0 when paid on time or early
    company = generate_company(preset=PRESETS["ibm"], customers=200, months=24, seed=seed, start=START)
    paid = [i for i in company.invoices if i.paid_date is not None]
    days_late = [max(0, (i.paid_date - i.due_date).days) for i in paid if i.paid_date]

    share_late = sum(d > 0 for d in days_late) / len(days_late)
    assert abs(share_late - 0.356) <= 0.03, share_late
    assert _ks_statistic(days_late, sample) <= 0.08
    assert all(Decimal("5") <= i.amount <= Decimal("130") for i in company.invoices)
    assert {i.customer.terms for i in company.invoices} == {"NET30"}
    assert all((i.due_date - i.issue_date).days == 30 for i in company.invoices)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_distributor_preset_pays_like_the_food_distribution_book(seed: int) -> None:
    # Targets from ../shared/data/open-ar-book/PROVENANCE.md (its ~39k closed invoices): delay
    # (paid - due) mean 0.84, sd 10.8, quartiles -3 / 0 / +2; median invoice 19,024 USD.
    company = generate_company(
        preset=PRESETS["distributor"], customers=1000, months=24, seed=seed, start=START
    )
    delays = [(i.paid_date - i.due_date).days for i in company.invoices if i.paid_date is not None]
    q1, median, q3 = statistics.quantiles(delays, n=4)

    assert abs(statistics.mean(delays) - 0.8) <= 0.5
    assert abs(statistics.stdev(delays) - 10.8) <= 1.5
    assert all(abs(x) <= 1 for x in (q1 + 3, median, q3 - 2))
    median_amount = statistics.median(i.amount for i in company.invoices)
    assert abs(median_amount - 19_000) <= Decimal("0.15") * 19_000
    currencies = {i.customer.entity: i.customer.currency for i in company.invoices}
    assert currencies == {"U001": "USD", "CA02": "CAD"}
    assert {i.customer.terms for i in company.invoices} >= {"NAA8", "NAH4", "CA10"}


def test_the_saas_preset_bills_monthly_charges_cards_and_retries_failed_charges() -> None:
    company = generate_company(preset=PRESETS["saas"], customers=400, months=12, seed=4, start=START)
    by_customer: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for invoice in company.invoices:
        by_customer[invoice.customer.customer_id].append(invoice)
    for invoices in by_customer.values():
        plan = invoices[0].customer.subscription
        assert plan is not None
        assert {i.amount for i in invoices} == {plan.price}
        assert {i.issue_date.day for i in invoices} == {plan.billing_day}
        months = [(i.issue_date.year, i.issue_date.month) for i in invoices]
        assert len(months) == len(set(months))  # one invoice a month
        if plan.churn_month is not None:
            assert len(invoices) <= plan.churn_month

    card_customers = [c for c in company.customers if c.subscription and c.subscription.by_card]
    assert 0.5 <= len(card_customers) / len(company.customers) <= 0.7
    assert {c.terms for c in card_customers} == {"DUE0"}
    attempts: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for attempt in company.charge_attempts:
        attempts[attempt.invoice_id].append(attempt)
    failed_first = [a for a in attempts.values() if not a[0].succeeded]
    assert 0.03 <= len(failed_first) / len(attempts) <= 0.15
    recovered = sum(a[-1].succeeded for a in failed_first) / len(failed_first)
    assert 0.45 <= recovered <= 0.85  # soft declines clear on a retry, hard ones never do
    assert all(len(a) <= 4 for a in attempts.values())

    card_payments = [p for p in company.payments if p.payer_name == "CARDPAY PAYMENTS LTD"]
    assert card_payments
    truth = defaultdict(Decimal)
    invoices = {i.invoice_id: i for i in company.invoices}
    gross = defaultdict(Decimal)
    for allocation in company.allocations:
        truth[allocation.payment_id] += allocation.amount
    for payment in card_payments:
        assert truth[payment.payment_id] == payment.amount  # net of the processor's fee
    for allocation in company.allocations:
        gross[allocation.payment_id] += invoices[allocation.invoice_id].amount
    fees = [gross[p.payment_id] - p.amount for p in card_payments]
    assert all(
        Decimal("0.30") < fee < Decimal("0.04") * gross[p.payment_id] + 1
        for fee, p in zip(fees, card_payments, strict=True)
    )
    assert {c.currency for c in company.customers} == {"USD", "GBP", "EUR"}
