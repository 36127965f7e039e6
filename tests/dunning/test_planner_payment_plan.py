"""Instalment plans: exact sums within the policy's limits, offered only to customers short of cash."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dunning.planning_factories import DAY, codes, customer, days_ago, item, only_message, run
from dunwell.dunning.payment_plans import (
    Instalment,
    PlanProposal,
    PlanRefusal,
    plan_problems,
    propose_plan,
    squeeze_signs,
)
from dunwell.dunning.planner_inputs import PaymentEvent
from dunwell.dunning.policy import PaymentPlanLimits, SqueezeRule
from dunwell.dunning.policy_files import default_policy_book

LIMITS = PaymentPlanLimits(
    max_instalments=6,
    default_instalments=3,
    min_instalment_minor={"USD": 50_000},
    min_total_minor={"USD": 200_000},
    first_instalment_days=7,
    interval_days=30,
    max_duration_days=180,
)


def test_a_plan_splits_the_total_exactly_the_first_instalments_taking_the_remainder() -> None:
    proposal = propose_plan(1_000_001, "USD", offer_day=DAY, limits=LIMITS)
    assert isinstance(proposal, PlanProposal)
    assert [(i.due_date, i.amount_minor) for i in proposal.instalments] == [
        (date(2025, 3, 10), 333_334),
        (date(2025, 4, 9), 333_334),
        (date(2025, 5, 9), 333_333),
    ]


def test_fewer_instalments_when_the_minimum_or_the_duration_allows_no_more() -> None:
    small = propose_plan(120_000 * 2 + 100_000, "USD", offer_day=DAY, limits=LIMITS, instalments=6)
    assert isinstance(small, PlanProposal)
    assert len(small.instalments) == 6  # 340,000 / 6 = 56,666 each: above the 50,000 minimum
    tight = propose_plan(250_000, "USD", offer_day=DAY, limits=LIMITS, instalments=6)
    assert isinstance(tight, PlanProposal)
    assert [i.amount_minor for i in tight.instalments] == [50_000] * 5
    short = PaymentPlanLimits(max_duration_days=40, first_instalment_days=7, interval_days=30)
    two = propose_plan(900_000, "USD", offer_day=DAY, limits=short, instalments=6)
    assert isinstance(two, PlanProposal)
    assert len(two.instalments) == 2


def test_refusals() -> None:
    below = propose_plan(199_999, "USD", offer_day=DAY, limits=LIMITS)
    assert below == PlanRefusal("1999.99 USD is below the smallest plan (2000.00 USD)")
    none_fit = propose_plan(
        90_000, "USD", offer_day=DAY, limits=PaymentPlanLimits(min_instalment_minor={"USD": 50_000})
    )
    assert isinstance(none_fit, PlanRefusal)
    assert "does not split into two instalments of at least 500.00 USD" in none_fit.reason


@given(
    total=st.integers(min_value=200_000, max_value=10**12),
    wanted=st.integers(min_value=1, max_value=12),
    currency=st.sampled_from(["USD", "JPY", "KWD"]),
)
def test_proposals_always_sum_exactly_and_respect_the_limits(total: int, wanted: int, currency: str) -> None:
    limits = PaymentPlanLimits(min_instalment_minor={currency: 50_000}, min_total_minor={currency: 200_000})
    proposal = propose_plan(total, currency, offer_day=DAY, limits=limits, instalments=wanted)
    assert isinstance(proposal, PlanProposal)
    assert sum(i.amount_minor for i in proposal.instalments) == total
    amounts = [i.amount_minor for i in proposal.instalments]
    assert max(amounts) - min(amounts) <= 1
    assert (
        plan_problems(
            proposal.instalments, total_minor=total, currency=currency, offer_day=DAY, limits=limits
        )
        == []
    )


def test_an_edited_plan_is_checked_against_the_limits() -> None:
    edited = [Instalment(DAY - timedelta(days=1), 10_000), Instalment(DAY + timedelta(days=400), 300_000)]
    assert plan_problems(edited, total_minor=400_000, currency="USD", offer_day=DAY, limits=LIMITS) == [
        "the instalments do not add up to 4000.00 USD",
        "instalment 1 is below 500.00 USD",
        "the first instalment falls before the offer (2025-03-03)",
        "the last instalment falls more than 180 days after the offer",
    ]


def test_squeeze_signs() -> None:
    rule = SqueezeRule()
    payments = [
        PaymentEvent(days_ago(150), 2),
        PaymentEvent(days_ago(120), 4, partial=True),
        PaymentEvent(days_ago(60), 15),
        PaymentEvent(days_ago(20), 25, partial=True),
        PaymentEvent(days_ago(400), 90, partial=True),  # outside the 180 days
    ]
    signs = squeeze_signs(payments, [days_ago(10), days_ago(200)], as_of=DAY, rule=rule)
    assert [s.text for s in signs] == [
        "2 part payments in the last 180 days",
        "payments growing later: 3 then 20 days late on average",
        "1 broken promise(s) in the last 180 days",
    ]
    assert squeeze_signs(payments[:2], [], as_of=DAY, rule=rule) == ()


SQUEEZED = {
    "payments": (PaymentEvent(days_ago(90), 10, partial=True), PaymentEvent(days_ago(30), 12, partial=True)),
    "broken_promise_days": (days_ago(15),),
}


def test_the_urgent_step_offers_a_plan_to_a_squeezed_customer_only() -> None:
    items = [item(1, days_overdue=31, open_minor=600_000), item(2, days_overdue=20, open_minor=300_001)]
    message = only_message(run(items, [customer(**SQUEEZED)]))
    assert message.step_id == "urgent"
    assert message.payment_plan is not None
    assert sum(i.amount_minor for i in message.payment_plan.instalments) == message.total_minor == 900_001
    assert {"cash_squeeze", "payment_plan_offered"} <= codes(message.reasons)
    assert only_message(run(items)).payment_plan is None  # no signs: no offer
    reminder = only_message(run([item(1, days_overdue=5)], [customer(**SQUEEZED)]))
    assert reminder.payment_plan is None  # the step does not offer plans


def test_a_squeezed_customer_owing_too_little_gets_the_reason_not_a_plan() -> None:
    message = only_message(run([item(1, days_overdue=31, open_minor=10_000)], [customer(**SQUEEZED)]))
    assert message.payment_plan is None
    assert any(r.text.startswith("no payment plan offered: 100.00 USD is below") for r in message.reasons)
    assert default_policy_book().policies["standard"].payment_plan is not None
