"""The compliance guard: may this one contact go out now, and if not, when is the earliest it may?

``decide`` runs every rule of the ledger's pack (all of them, so that every reason is recorded, not
just the first) and, when something blocks, searches forward. Each blocking rule says the earliest
later time it alone could allow (or never); the search jumps to the latest of those and asks every
rule again, until all pass. Because no rule's answer is later than its true earliest time, the
first time all pass is the earliest allowed time, not just an allowed one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dunwell.dunning.compliance import rules_b2b, rules_regf, rules_regf_calls, rules_tcpa
from dunwell.dunning.compliance.case import Case, Ledger
from dunwell.dunning.compliance.decision import DEFAULT_POLICY, Blocked, Decision, Flag, Policy, Rule

#: Rules that no waiting cures come first, so a reader sees them before the timing ones.
CONSUMER_RULES: tuple[Rule, ...] = (
    rules_regf.cease_requested,
    rules_regf.represented_by_attorney,
    rules_regf.medium_opted_out,
    rules_regf.contact_at_work,
    rules_regf.workplace_email,
    rules_regf.missing_opt_out_notice,
    rules_tcpa.automated_contact_without_consent,
    rules_regf.outside_local_window,
    rules_regf.inconvenient_time,
    rules_regf_calls.call_frequency,
)
COMMERCIAL_RULES: tuple[Rule, ...] = (
    rules_b2b.cease_requested,
    rules_b2b.represented_by_attorney,
    rules_b2b.channel_opted_out,
    rules_tcpa.automated_contact_without_consent,
    rules_b2b.outside_local_window,
    rules_b2b.inconvenient_time,
    rules_b2b.weekly_cap,
)
PACKS: dict[Ledger, tuple[Rule, ...]] = {Ledger.CONSUMER: CONSUMER_RULES, Ledger.COMMERCIAL: COMMERCIAL_RULES}

#: A safety net on the search: each step moves forward at least this much.
_SMALLEST_STEP = timedelta(seconds=1)


def decide(case: Case, *, policy: Policy = DEFAULT_POLICY) -> Decision:
    """Whether ``case.action`` may go out at its time, every rule that blocks it, and the next
    allowed time (see :class:`Decision`). Pure: no clock, no I/O; the same case gives the same
    decision."""
    rules = PACKS[case.ledger]
    flags = _flags(case, policy)
    blocked = _blocking(rules, case, policy)
    if not blocked:
        return Decision(allowed=True, blocked_by=(), next_allowed_at=case.action.at, flags=flags)
    return Decision(
        allowed=False,
        blocked_by=tuple(b.block for b in blocked),
        next_allowed_at=_next_allowed(rules, case, policy, blocked),
        flags=flags,
    )


def _blocking(rules: tuple[Rule, ...], case: Case, policy: Policy) -> list[Blocked]:
    return [verdict for rule in rules if (verdict := rule(case, policy)) is not None]


def _next_allowed(
    rules: tuple[Rule, ...], case: Case, policy: Policy, blocked: list[Blocked]
) -> datetime | None:
    moment = case.action.at
    give_up_after = moment + policy.search_horizon
    while blocked:
        retries = [b.retry_at for b in blocked]
        if None in retries:
            return None
        latest = max(r for r in retries if r is not None)
        # A rule's answer is after the time it was asked about; this only guards the loop.
        moment = latest if latest > moment else moment + _SMALLEST_STEP
        if moment > give_up_after:
            return None
        blocked = _blocking(rules, case.at(moment), policy)
    return moment


def _flags(case: Case, policy: Policy) -> tuple[Flag, ...]:
    if case.ledger is Ledger.CONSUMER:
        return rules_regf_calls.call_pattern_flags(case, policy)
    return ()
