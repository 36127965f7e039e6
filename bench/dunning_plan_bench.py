"""The dunning planner's speed (issue 18): one day's plan for 20 k customers and 100 k open items
under the shipped default policy, with a history of earlier messages and the usual mix of holds,
promises, disputes, unapplied cash, plans being kept and customers without a usable channel.

Prints one JSON object: the median of 3 runs of the planner, and the baseline measured in the same
process on the same items (sorting them by due date, the least any dunning run does), with the ratio.
The inputs are synthetic, from a seeded random generator; nothing is read or written.

    .venv/bin/python bench/dunning_plan_bench.py [--customers 20000] [--items 100000] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import date, timedelta

from dunwell.core.collections import Channel, HoldReason
from dunwell.dunning.planner import plan
from dunwell.dunning.planner_inputs import (
    ActivePlan,
    ContactAccess,
    CustomerFacts,
    Hold,
    OpenItem,
    OpenPromise,
    PastLine,
    PastMessage,
    PaymentEvent,
    UnappliedCash,
)
from dunwell.dunning.planner_values import Plan
from dunwell.dunning.policy_files import default_policy_book

AS_OF = date(2025, 3, 3)
SEGMENTS = ("on_time", "steady_late", "chronic_late", "deteriorating", None)
CURRENCIES = ("USD", "USD", "USD", "CAD", "EUR")
#: The shipped ladder's days from the due date, for a history consistent with it.
LADDER = (("heads_up", -3), ("reminder", 3), ("firm_reminder", 14), ("urgent", 30), ("final_demand", 45))


def synthetic_book(
    customers: int, items: int, seed: int
) -> tuple[list[CustomerFacts], list[OpenItem], list[PastMessage]]:
    rng = random.Random(seed)
    facts = [_customer(rng, c) for c in range(1, customers + 1)]
    open_items = []
    for n in range(1, items + 1):
        customer_id = rng.randint(1, customers)
        currency = CURRENCIES[customer_id % len(CURRENCIES)] if rng.random() < 0.9 else "EUR"
        overdue = int(rng.triangular(-30, 120, 5))
        amount = rng.randint(5_000, 5_000_000) if rng.random() > 0.03 else -rng.randint(1_000, 200_000)
        open_items.append(OpenItem(n, customer_id, currency, AS_OF - timedelta(days=overdue), amount,
                                   f"INV-{n}", disputed=rng.random() < 0.03))  # fmt: skip
    return facts, open_items, _history(rng, open_items)


def _customer(rng: random.Random, c: int) -> CustomerFacts:
    roll = rng.random()
    access = {Channel.EMAIL: ContactAccess.USABLE, Channel.LETTER: ContactAccess.USABLE}
    if roll < 0.03:
        access[Channel.EMAIL] = ContactAccess.OPTED_OUT
    elif roll < 0.05:
        access = {}
    if rng.random() < 0.6:
        access[Channel.CALL] = ContactAccess.USABLE
    return CustomerFacts(
        customer_id=c,
        external_id=f"C-{c}",
        segment=rng.choice(SEGMENTS),
        entity="US01",
        strategic=rng.random() < 0.02,
        channel_access=access,
        holds=(Hold(HoldReason.MANUAL, AS_OF - timedelta(days=5), AS_OF + timedelta(days=10)),)
        if rng.random() < 0.02
        else (),
        promises=(OpenPromise(AS_OF + timedelta(days=rng.randint(-5, 10)), "USD"),)
        if rng.random() < 0.05
        else (),
        unapplied_cash=(UnappliedCash(AS_OF - timedelta(days=rng.randint(0, 10)), None),)
        if rng.random() < 0.04
        else (),
        plans=(ActivePlan(frozenset({rng.randint(1, 1000)}), kept=rng.random() < 0.7),)
        if rng.random() < 0.01
        else (),
        payments=tuple(
            PaymentEvent(AS_OF - timedelta(days=rng.randint(1, 170)), rng.randint(-5, 40), rng.random() < 0.1)
            for _ in range(rng.randint(0, 8))
        ),
        broken_promise_days=(AS_OF - timedelta(days=rng.randint(1, 170)),) if rng.random() < 0.1 else (),
        engagement_hours=tuple(rng.randint(7, 19) for _ in range(rng.randint(0, 12))),
    )


def _history(rng: random.Random, items: list[OpenItem]) -> list[PastMessage]:
    """Earlier messages as a daily run would have left them (most items are up to date; some are
    behind, as after an outage)."""
    history = []
    for it in items:
        if it.open_minor <= 0 or rng.random() < 0.25:
            continue
        overdue = (AS_OF - it.due_date).days - rng.randint(1, 6)
        reached = [(step, days) for step, days in LADDER if days <= overdue]
        if reached:
            step, days = reached[-1]
            day = it.due_date + timedelta(days=days)
            key = f"{it.customer_id}:{it.currency}:{step}:{day.isoformat()}"
            history.append(
                PastMessage(key, it.customer_id, it.currency, step, day, (PastLine(it.item_id, step),))
            )
    return history


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    customers, items, history = synthetic_book(args.customers, args.items, args.seed)
    book = default_policy_book()
    planner_seconds, baseline_seconds = [], []
    result: Plan | None = None
    for _ in range(args.runs):
        started = time.perf_counter()
        result = plan(as_of=AS_OF, book=book, customers=customers, items=items, history=history)
        planner_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        sorted(items, key=lambda i: (i.due_date, i.item_id))
        baseline_seconds.append(time.perf_counter() - started)
    assert result is not None
    skip_codes: dict[str, int] = {}
    for skip in result.skips:
        for reason in skip.reasons:
            skip_codes[reason.code.value] = skip_codes.get(reason.code.value, 0) + 1
    median, baseline = statistics.median(planner_seconds), statistics.median(baseline_seconds)
    print(json.dumps({
        "bench": "dunning_plan",
        "customers": args.customers,
        "open_items": len(items),
        "history_messages": len(history),
        "as_of": AS_OF.isoformat(),
        "seconds_median": round(median, 3),
        "seconds": [round(x, 3) for x in planner_seconds],
        "target_seconds": 10,
        "messages": len(result.messages),
        "messages_needing_approval": sum(m.needs_approval for m in result.messages),
        "payment_plans_offered": sum(m.payment_plan is not None for m in result.messages),
        "holdout_messages": sum(m.holdout for m in result.messages),
        "skips": len(result.skips),
        "skip_reasons": dict(sorted(skip_codes.items())),
        "baseline_sort_by_due_date_seconds_median": round(baseline, 4),
        "ratio_to_baseline": round(median / baseline, 1) if baseline else None,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
