"""The collector's day (ADR 0025): per collector, the customers whose contact today brings the most
extra cash per minute, within the minutes they have; everyone else with something overdue is listed
as left out, with the reason.

The plan for day D is made from the book as known at the end of D − 1 (``planning``); a collector
sees the queues of their portfolio, a manager, an admin or a viewer every queue (a viewer only reads).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import minor_to_decimal
from dunwell.kit.audit import record
from dunwell.ml.action_value import ActionOption, ActionValue, action_values, plan_day
from dunwell.ml.history import day_number
from dunwell.ml.response import DUE_SOON_DAYS, at_stake, stake_features
from dunwell.worklist.details import explain
from dunwell.worklist.exclusions import Facts, read_facts, reasons_for, usable_channels
from dunwell.worklist.planning import KnownBook, known_book
from dunwell.worklist.policy import BROKEN_PROMISE_BONUS, CHANNEL_NAMES, WorklistPolicy
from dunwell.worklist.repository import CustomerRow, PersonRow, WorklistRepository
from dunwell.worklist.values import (
    CurrencyFigures,
    LeftOut,
    LeftOutReason,
    Queue,
    Reason,
    Suggestion,
    Worklist,
    WorkRow,
)

MAX_MINUTES = 24 * 60


def worklist(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    policy: WorklistPolicy,
    collector: str | None = None,
    details: bool = True,
) -> Worklist:
    """The day's queues of the collectors ``principal`` may see (``collector``: only that one's)."""
    repo = WorklistRepository(session)
    owners = _owners_in_view(repo, principal, collector)
    customers = repo.customers(owners)
    kb = known_book(session, as_of)
    figures, all_disputed = _figures(kb, customers, as_of)
    facts = read_facts(repo, day=as_of, customers=figures, touches=kb.touch_rows, policy=policy)
    left_out: dict[int, list[Reason]] = {}
    for customer_id in figures:
        found = reasons_for(
            customer_id,
            owner_id=customers[customer_id].owner_id,
            all_disputed=customer_id in all_disputed,
            facts=facts,
            policy=policy,
        )
        if found:
            left_out[customer_id] = found
    workable = [c for c in figures if c not in left_out]
    values, per_currency = _values(kb, workable, facts, policy, as_of)
    for customer_id in workable:
        if customer_id not in values:
            left_out[customer_id] = [
                Reason(LeftOutReason.NO_VALUE, "no action is expected to bring more than it costs")
            ]
    people = repo.people(
        {c.owner_id for c in customers.values() if c.owner_id is not None} | (owners or set())
    )
    queues = []
    for person in sorted(people.values(), key=lambda p: p.login):
        if owners is not None and person.id not in owners:
            continue
        mine = {c: v for c, v in values.items() if customers[c].owner_id == person.id}
        if not mine and not any(customers[c].owner_id == person.id for c in figures):
            continue
        queues.append(
            _queue(repo, person, mine, customers, figures, left_out, per_currency, facts, kb, as_of, policy)
        )
    if details:
        queues = explain(session, principal, queues, kb=kb, facts=facts, as_of=as_of)
    unassigned = tuple(
        _left_out(customers[c], figures[c], left_out[c])
        for c in sorted(left_out)
        if customers[c].owner_id is None
    )
    model = {
        "kind": kb.info.kind,
        "note": kb.info.note,
        "training_rows": kb.info.training_rows,
        "description": kb.info.description,
    }
    return Worklist(
        as_of=as_of,
        known_until=kb.known,
        reference_currency=policy.reference_currency,
        holdout_share=policy.holdout_share,
        model=model,
        queues=tuple(queues),
        unassigned=unassigned,
    )


def set_capacity(session: Session, principal: Principal, login: str, minutes: int) -> PersonRow:
    """A person's minutes per day for the worklist: a manager's decision, audited."""
    principal.require_manager()
    if not 0 <= minutes <= MAX_MINUTES:
        raise DunwellError(
            f"minutes per day are 0 to {MAX_MINUTES}, not {minutes}",
            code="bad_capacity",
            kind=ErrorKind.INVALID,
        )
    repo = WorklistRepository(session)
    user = repo.person_by_login(login)
    if user is None:
        raise DunwellError(f"no user {login!r}", code="user_not_found", kind=ErrorKind.NOT_FOUND)
    before = user.worklist_minutes
    repo.set_minutes(user, minutes)
    record(
        session,
        actor=principal.actor,
        action="user.capacity_set",
        subject_type="user",
        subject_id=user.id,
        details={"login": login, "before": before, "minutes": minutes},
    )
    return PersonRow(user.id, user.login, user.name, minutes)


def _owners_in_view(
    repo: WorklistRepository, principal: Principal, collector: str | None
) -> frozenset[int] | None:
    if collector is None:
        return principal.portfolio
    person = repo.person_by_login(collector)
    if person is None or not principal.sees(person.id):
        raise DunwellError(
            f"no collector {collector!r} in your view", code="collector_not_found", kind=ErrorKind.NOT_FOUND
        )
    return frozenset({person.id})


def _figures(
    kb: KnownBook, customers: dict[int, CustomerRow], as_of: date
) -> tuple[dict[int, tuple[CurrencyFigures, ...]], set[int]]:
    """Per customer with something overdue on ``as_of``: the overdue, due-soon and disputed amounts per
    currency; and the customers whose whole overdue is in dispute."""
    day = day_number(as_of)
    found: dict[int, tuple[CurrencyFigures, ...]] = {}
    all_disputed: set[int] = set()
    book = kb.book
    for customer_id in customers:
        code = kb.codes.get(customer_id)
        if code is None:
            continue
        items = kb.by_customer[code]
        items = items[book.paid[items] > day]
        overdue = items[book.due[items] < day]
        if not len(overdue):
            continue
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for i in items.tolist():
            entry = sums[kb.currency[i]]
            if book.due[i] < day:
                entry[0] += int(kb.open_minor[i])
            elif book.due[i] <= day + DUE_SOON_DAYS:
                entry[1] += int(kb.open_minor[i])
            entry[2] += int(kb.disputed_minor[i])
        found[customer_id] = tuple(CurrencyFigures(c, *v) for c, v in sorted(sums.items()))
        if not int(kb.open_minor[overdue].sum()):
            all_disputed.add(customer_id)
    return found, all_disputed


def _values(
    kb: KnownBook, workable: list[int], facts: Facts, policy: WorklistPolicy, as_of: date
) -> tuple[dict[int, list[ActionValue]], dict[tuple[int, int, bool], dict[str, int]]]:
    """Each workable customer's options, valued in the reference currency for ranking (currencies
    combined at the policy's rates, a broken promise's bonus added, the cost taken once), and the
    exact expected cash per (customer, channel, tone) and currency."""
    day = day_number(as_of)
    wanted = np.zeros(kb.book.customers, bool)
    wanted[[kb.codes[c] for c in workable]] = True
    rows = at_stake(kb.book, day)
    rows = rows[wanted[kb.book.customer[rows]]]
    if not len(rows):
        return {}, {}
    inputs = stake_features(kb.book, rows, day, kb.record, kb.touches)
    pairs = list(zip(kb.customer_id[rows].tolist(), kb.currency[rows].tolist(), strict=True))
    index = {p: i for i, p in enumerate(dict.fromkeys(pairs))}
    pair_of = list(index)
    menu = sorted({(o.channel, o.firm, o.minutes) for o in policy.options})
    free = [ActionOption(c, f, m) for c, f, m in menu]
    valued = action_values(
        kb.model, inputs, np.array([index[p] for p in pairs], np.int64), kb.open_minor[rows], free
    )
    exact: dict[tuple[int, int, bool], dict[str, int]] = defaultdict(dict)
    ranked: dict[tuple[int, int, bool], int] = defaultdict(int)
    stake: dict[int, int] = defaultdict(int)
    untouched: dict[int, float] = defaultdict(float)
    for pair, options in valued.items():
        customer_id, currency = pair_of[pair]
        for v in options:
            key = (customer_id, v.option.channel, v.option.firm)
            exact[key][currency] = v.expected_minor
            ranked[key] += policy.in_reference(v.expected_minor, currency)
        stake[customer_id] += policy.in_reference(options[0].at_stake_minor, currency)
        untouched[customer_id] += options[0].p_untouched * policy.in_reference(
            options[0].at_stake_minor, currency
        )
    values: dict[int, list[ActionValue]] = defaultdict(list)
    for option in policy.options:
        for (customer_id, channel, firm), expected in ranked.items():
            if (channel, firm) != (option.channel, option.firm):
                continue
            if option.channel not in usable_channels(facts.reachable.get(customer_id, set()), policy):
                continue
            if customer_id in facts.broken_promises:
                expected += int(Decimal(expected) * BROKEN_PROMISE_BONUS)
            if expected - option.cost_minor <= 0:
                continue
            values[customer_id].append(
                ActionValue(
                    customer=customer_id,
                    option=option,
                    expected_minor=expected,
                    value_minor=expected - option.cost_minor,
                    at_stake_minor=stake[customer_id],
                    p_untouched=untouched[customer_id] / max(stake[customer_id], 1),
                )
            )
    return dict(values), dict(exact)


def _queue(
    repo: WorklistRepository,
    person: PersonRow,
    values: dict[int, list[ActionValue]],
    customers: dict[int, CustomerRow],
    figures: dict[int, tuple[CurrencyFigures, ...]],
    left_out: dict[int, list[Reason]],
    exact: dict[tuple[int, int, bool], dict[str, int]],
    facts: Facts,
    kb: KnownBook,
    as_of: date,
    policy: WorklistPolicy,
) -> Queue:
    plan = plan_day(values, person.minutes)
    planned = {v.customer for v in plan}
    for customer_id in values:
        if customer_id not in planned:
            left_out[customer_id] = [
                Reason(LeftOutReason.CAPACITY, f"ranked below what {person.minutes} minutes allow today")
            ]
    activity = repo.activity_on(as_of, [c for c, row in customers.items() if row.owner_id == person.id])
    touched = {c for c, _ in activity["touches"]} | {p[0] for p in activity["promises"]}
    touched |= activity["holds"] | activity["disputes"]
    rows = []
    for rank, v in enumerate(plan, start=1):
        c = customers[v.customer]
        amounts = exact.get((v.customer, v.option.channel, v.option.firm), {})
        shown = tuple(replace(f, expected_minor=amounts.get(f.currency, 0)) for f in figures[v.customer])
        suggestion = Suggestion(
            channel=CHANNEL_NAMES[v.option.channel],
            tone="firm" if v.option.firm else "friendly",
            minutes=v.option.minutes,
            cost_minor=v.option.cost_minor,
            value_minor=v.value_minor,
            per_minute_minor=v.value_minor // v.option.minutes,
        )
        why = _why(shown, suggestion, v, facts, policy)
        rows.append(
            WorkRow(
                rank, c.id, c.external_id, c.name, shown, suggestion, v.p_untouched, why, done=c.id in touched
            )
        )
    promised: dict[str, int] = defaultdict(int)
    for _, currency, amount in activity["promises"]:
        promised[currency] += amount
    mine_left = tuple(
        _left_out(customers[c], figures[c], reasons)
        for c, reasons in sorted(left_out.items())
        if customers[c].owner_id == person.id
    )
    return Queue(
        collector_id=person.id,
        login=person.login,
        name=person.name,
        capacity_minutes=person.minutes,
        planned_minutes=sum(v.option.minutes for v in plan),
        rows=tuple(rows),
        left_out=mine_left,
        done=sum(1 for r in rows if r.done),
        minutes_used=sum(policy.minutes_of(channel) for _, channel in activity["touches"]),
        touches_today=len(activity["touches"]),
        promised_today=tuple(sorted(promised.items())),
    )


def _why(
    figures: tuple[CurrencyFigures, ...],
    suggestion: Suggestion,
    value: ActionValue,
    facts: Facts,
    policy: WorklistPolicy,
) -> tuple[str, ...]:
    lines = []
    for f in figures:
        parts = [f"{minor_to_decimal(f.overdue_minor, f.currency)} {f.currency} overdue"]
        if f.due_soon_minor:
            parts.append(f"{minor_to_decimal(f.due_soon_minor, f.currency)} due within a week")
        if f.disputed_minor:
            parts.append(f"{minor_to_decimal(f.disputed_minor, f.currency)} in dispute (not chased)")
        lines.append(", ".join(parts))
    lines.append(f"{value.p_untouched:.0%} of it likely paid within 30 days without a contact")
    expected = " + ".join(
        f"{minor_to_decimal(f.expected_minor, f.currency)} {f.currency}" for f in figures if f.expected_minor
    )
    lines.append(
        f"a {suggestion.tone} {suggestion.channel} ({suggestion.minutes} min) is expected to bring "
        f"{expected or 'little'} more within 30 days"
    )
    broken = facts.broken_promises.get(value.customer)
    if broken is not None:
        lines.append(
            f"broke a promise of {minor_to_decimal(broken.amount_minor, broken.currency)} {broken.currency} "
            f"due {broken.promised_date}: ranked {BROKEN_PROMISE_BONUS:.0%} higher"
        )
    return tuple(lines)


def _left_out(customer: CustomerRow, figures: tuple[CurrencyFigures, ...], reasons: list[Reason]) -> LeftOut:
    return LeftOut(
        customer.id, customer.external_id, customer.name, customer.owner_id, figures, tuple(reasons)
    )


def known_until(as_of: date) -> date:
    return as_of - timedelta(days=1)
