"""Why a customer with something overdue is not on today's worklist: each rule gives a reason a
collector can read (ADR 0025). All of them are read as known at the end of the day before."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from dunwell.collections.repository import CollectionsRepository
from dunwell.collections.service import GRACE_DAYS, promise_status
from dunwell.core.collections import PromiseStatus
from dunwell.ml.action_value import in_holdout
from dunwell.worklist.policy import BROKEN_PROMISE_DAYS, CALL_CAP, CHANNEL_NAMES, QUIET_DAYS, WorklistPolicy
from dunwell.worklist.repository import TouchRow, WorklistRepository
from dunwell.worklist.values import LastTouch, LeftOutReason, PromiseState, Reason

#: The salt of the holdout's draw: the same customers stay out every day.
HOLDOUT_SALT = "worklist"


@dataclass(frozen=True)
class Facts:
    """What the rules read for one day, for the customers in question."""

    holds: dict[int, tuple[str, date]]
    open_promises: dict[int, PromiseState]
    broken_promises: dict[int, PromiseState]
    recent_cash: set[int]
    reachable: dict[int, set[str]]
    last_touch: dict[int, LastTouch]
    recent_touches: dict[int, int]
    recent_calls: dict[int, int]


def read_facts(
    repo: WorklistRepository,
    *,
    day: date,
    customers: Collection[int],
    touches: list[TouchRow],
    policy: WorklistPolicy,
) -> Facts:
    known = day - timedelta(days=1)
    wanted = set(customers)
    open_promises, broken = _promises(repo, known, wanted)
    last: dict[int, LastTouch] = {}
    recent: dict[int, int] = defaultdict(int)
    calls: dict[int, int] = defaultdict(int)
    quiet_from = day - timedelta(days=QUIET_DAYS - 1)  # the touch's own day counts as day 1
    for t in touches:  # in time order
        if t.customer_id not in wanted:
            continue
        last[t.customer_id] = LastTouch(t.day, t.channel, t.outcome)
        if t.day >= quiet_from:
            recent[t.customer_id] += 1
            calls[t.customer_id] += t.channel == "call"
    return Facts(
        holds=repo.active_holds(day, known),
        open_promises=open_promises,
        broken_promises=broken,
        recent_cash=repo.customers_with_recent_cash(
            since=day - timedelta(days=policy.recent_cash_days), known=known
        ),
        reachable=repo.reachable_channels(day),
        last_touch=last,
        recent_touches=recent,
        recent_calls=calls,
    )


def _promises(
    repo: WorklistRepository, known: date, wanted: set[int]
) -> tuple[dict[int, PromiseState], dict[int, PromiseState]]:
    """Per customer, an open promise (not judged by ``known``) and one broken in the last
    ``BROKEN_PROMISE_DAYS``, each judged from the cash applied by ``known``."""
    since = known - timedelta(days=GRACE_DAYS + BROKEN_PROMISE_DAYS)
    collections = CollectionsRepository(repo.session)
    open_: dict[int, PromiseState] = {}
    broken: dict[int, PromiseState] = {}
    broken_plans: set[int] = set()
    for promise, invoice_ids in repo.promises(known, since):  # in promised-date order
        if promise.customer_id not in wanted:
            continue
        status, _ = promise_status(collections, promise, invoice_ids, as_of=known)
        state = PromiseState(status.value, promise.promised_date, promise.amount_minor, promise.currency)
        if status in (PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT) and promise.plan_id is not None:
            broken_plans.add(promise.plan_id)
        if status is PromiseStatus.OPEN and promise.plan_id in broken_plans:
            continue  # a later instalment of a plan already broken holds nothing back
        if status is PromiseStatus.OPEN:
            open_[promise.customer_id] = state
        elif status in (PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT):
            broken[promise.customer_id] = state
    return open_, broken


def reasons_for(
    customer_id: int,
    *,
    owner_id: int | None,
    all_disputed: bool,
    facts: Facts,
    policy: WorklistPolicy,
) -> list[Reason]:
    """Every rule that leaves the customer out today (none: it may go on the list)."""
    found: list[Reason] = []
    if owner_id is None:
        found.append(Reason(LeftOutReason.NO_OWNER, "nobody owns this customer: assign a collector"))
    if all_disputed:
        found.append(Reason(LeftOutReason.DISPUTED, "everything overdue is in dispute"))
    if customer_id in facts.holds:
        reason, ends = facts.holds[customer_id]
        found.append(Reason(LeftOutReason.HOLD, f"on hold ({reason}) until {ends}"))
    if customer_id in facts.open_promises:
        p = facts.open_promises[customer_id]
        found.append(Reason(LeftOutReason.PROMISE, f"promised to pay by {p.promised_date}: not due yet"))
    if customer_id in facts.recent_cash:
        found.append(
            Reason(
                LeftOutReason.RECENT_CASH,
                f"cash received in the last {policy.recent_cash_days} days is not applied yet",
            )
        )
    if facts.recent_touches.get(customer_id, 0):
        touch = facts.last_touch[customer_id]
        found.append(
            Reason(
                LeftOutReason.QUIET_PERIOD,
                f"contacted on {touch.day} ({touch.channel}): within {QUIET_DAYS} days",
            )
        )
    if facts.recent_calls.get(customer_id, 0) >= CALL_CAP:
        found.append(
            Reason(LeftOutReason.CONTACT_CAP, f"{CALL_CAP} or more calls in the last {QUIET_DAYS} days")
        )
    if not usable_channels(facts.reachable.get(customer_id, set()), policy):
        found.append(
            Reason(
                LeftOutReason.NO_CONTACT,
                "no contact to write to or call who has not opted out (a private person must have consented)",
            )
        )
    if in_holdout(str(customer_id), policy.holdout_share, salt=HOLDOUT_SALT):
        found.append(
            Reason(
                LeftOutReason.HOLDOUT,
                f"in the {policy.holdout_share:.0%} holdout: left to the default policy",
            )
        )
    return found


def usable_channels(reachable: set[str], policy: WorklistPolicy) -> set[int]:
    """The menu's channel codes some contact can be reached on."""
    return {o.channel for o in policy.options if CHANNEL_NAMES[o.channel] in reachable}
