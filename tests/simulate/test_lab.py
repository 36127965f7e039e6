"""The strategy lab and the response model behind it."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dunwell.core.collections import Channel
from dunwell.simulate.actions import Action, Tone, respond
from dunwell.simulate.behaviour import CustomerType
from dunwell.simulate.company import generate_company
from dunwell.simulate.lab import LargestFirst, NoActions, OldestFirst, load_policy, run_lab, summarise
from dunwell.simulate.presets import PRESETS
from dunwell.simulate.records import Company

START = date(2024, 7, 1)
TODAY = date(2024, 3, 11)  # a Monday
DUE = date(2024, 3, 1)


@pytest.fixture(scope="module")
def company() -> Company:
    return generate_company(
        preset=PRESETS["distributor"], customers=150, months=12, seed=21, start=date(2024, 1, 1)
    )


def _received(company: Company, start: date, days: int) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for invoice in company.invoices:
        for day, amount in invoice.instalments:
            if 0 <= (day - start).days < days:
                currency = invoice.customer.currency
                totals[currency] = totals.get(currency, Decimal(0)) + amount
    for memo in company.credit_memos:  # a credit netted in a payment settled part of it without cash
        netted = memo.credit is not None and not memo.credit.cancelled
        if netted and memo.paid_date and 0 <= (memo.paid_date - start).days < days:
            currency = memo.customer.currency
            totals[currency] += memo.amount
    return dict(sorted(totals.items()))


def test_without_actions_the_lab_reproduces_the_companys_own_cash(company: Company) -> None:
    result = run_lab(company, NoActions(), start=START, days=90, capacity_hours=8, seed=1)

    assert result.cash[30] == _received(company, START, 30)
    assert result.cash[90] == _received(company, START, 90)
    assert result.minutes_used == 0
    assert not result.touches


def test_collection_work_brings_cash_in_sooner_within_capacity(company: Company) -> None:
    idle = run_lab(company, NoActions(), start=START, days=60, capacity_hours=2, seed=3)
    for policy in (OldestFirst(), LargestFirst()):
        busy = run_lab(company, policy, start=START, days=60, capacity_hours=2, seed=3)
        assert busy.cash[30]["USD"] > idle.cash[30]["USD"]
        assert busy.dso_end["USD"] < idle.dso_end["USD"]
        business_days = sum((START + timedelta(days=d)).weekday() < 5 for d in range(60))
        assert 0 < busy.minutes_used <= 2 * 60 * business_days
    none_at_all = run_lab(company, OldestFirst(), start=START, days=60, capacity_hours=0, seed=3)
    assert none_at_all.cash == idle.cash


def test_a_seed_fixes_the_responses_and_other_seeds_vary_them(company: Company) -> None:
    runs = [
        run_lab(company, OldestFirst(), start=START, days=30, capacity_hours=3, seed=s) for s in (1, 1, 2)
    ]
    assert runs[0].cash == runs[1].cash
    assert runs[0].outcomes == runs[1].outcomes
    assert runs[0].outcomes != runs[2].outcomes

    summary = summarise(runs)
    assert [s["seed"] for s in summary["seeds"]] == [1, 1, 2]  # type: ignore[index]
    assert set(summary["mean"]) == {"cash_30d", "dso_end", "touches"}  # type: ignore[arg-type]


def test_policies_are_plugins(company: Company) -> None:
    plugin = load_policy("lab_plugins:CallEveryone")
    result = run_lab(company, plugin, start=START, days=30, capacity_hours=1, seed=1)
    assert plugin.name == "call-everyone"
    assert set(result.touches) == {"call"}
    assert result.refused == 0
    with pytest.raises(ValueError, match="unknown policy 'nope'"):
        load_policy("nope")


def test_the_lab_holds_a_policy_to_the_days_capacity(company: Company) -> None:
    greedy = run_lab(
        company, load_policy("lab_plugins:Greedy"), start=START, days=30, capacity_hours=1, seed=1
    )

    business_days = sum((START + timedelta(days=d)).weekday() < 5 for d in range(30))
    assert greedy.touches["call"] <= 5 * business_days  # 60 minutes a day, 12 per call
    assert greedy.minutes_used <= 60 * business_days
    assert greedy.refused > 0


# --- the response model ---------------------------------------------------------------------------


def _respond(seed: int, kind: CustomerType, action: Action, **overrides: object) -> object:
    values: dict[str, object] = {
        "today": TODAY, "due": DUE, "planned": TODAY + timedelta(days=30), "disputed": False,
        "recent_touches": 0,
    }  # fmt: skip
    values.update(overrides)
    return respond(random.Random(seed), kind, action, **values)  # type: ignore[arg-type]


def test_a_disputed_item_waits_for_its_dispute_whatever_is_sent() -> None:
    call = Action("C1", Channel.CALL, Tone.FIRM)
    responses = [_respond(s, CustomerType.ON_TIME, call, disputed=True) for s in range(50)]
    assert {r.outcome for r in responses} == {"disputed"}  # type: ignore[attr-defined]
    assert {r.pay_on for r in responses} == {TODAY + timedelta(days=30)}  # type: ignore[attr-defined]


def test_responses_never_delay_payment_except_when_the_customer_is_annoyed() -> None:
    planned = TODAY + timedelta(days=30)
    for kind in CustomerType:
        for channel in Channel:
            for seed in range(40):
                r = _respond(seed, kind, Action("C1", channel, Tone.FIRM), recent_touches=seed % 5)
                if r.outcome != "annoyed":  # type: ignore[attr-defined]
                    assert r.pay_on <= planned  # type: ignore[attr-defined]


def test_calls_move_late_payers_more_than_emails_and_prompt_payers_are_easiest() -> None:
    def moved(kind: CustomerType, channel: Channel) -> float:
        rs = [_respond(s, kind, Action("C1", channel)) for s in range(2000)]
        return sum(r.pay_on < TODAY + timedelta(days=30) for r in rs) / len(rs)  # type: ignore[attr-defined]

    assert moved(CustomerType.CHRONIC_LATE, Channel.CALL) > moved(CustomerType.CHRONIC_LATE, Channel.EMAIL)
    assert moved(CustomerType.ON_TIME, Channel.EMAIL) > moved(CustomerType.DETERIORATING, Channel.EMAIL)


def test_a_defaulted_customer_pays_only_when_a_call_recovers_it() -> None:
    emails = {_respond(s, CustomerType.DETERIORATING, Action("C1", Channel.EMAIL), planned=None).pay_on
              for s in range(300)}  # fmt: skip
    calls = [
        _respond(s, CustomerType.DETERIORATING, Action("C1", Channel.CALL), planned=None) for s in range(300)
    ]
    assert emails == {None}
    recovered = [r for r in calls if r.outcome == "recovered"]  # type: ignore[attr-defined]
    assert 0 < len(recovered) < 60
