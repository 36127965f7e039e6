"""Regulation F (12 CFR 1006) rules of the consumer pack that no waiting cures: cease, attorney,
media opt-out, contact at work and the electronic-message rules; plus the time-of-day rules under
their RF IDs. The call caps are in ``rules_regf_calls``. IDs and sources: RULES.md §B1."""

from __future__ import annotations

from dunwell.dunning.compliance.case import ELECTRONIC, Case, Channel
from dunwell.dunning.compliance.decision import Block, Blocked, Policy
from dunwell.dunning.compliance.rules_time import inside_inconvenient_time, outside_window


def cease_requested(case: Case, policy: Policy) -> Blocked | None:
    """RF-CEASE-1: after a written refusal or cease request, no communication on the debt. The
    three §1006.6(c) exceptions (efforts terminated, remedies) are notices a person sends, not
    something the dunning sender may decide, so the guard blocks everything."""
    if not case.debtor.cease_requested:
        return None
    return Blocked(Block("RF-CEASE-1", "the person asked in writing that communication cease"))


def represented_by_attorney(case: Case, policy: Policy) -> Blocked | None:
    """RF-ATTY-1: a person known to have an attorney for the debt is contacted only through them."""
    if not case.debtor.represented_by_attorney:
        return None
    return Blocked(
        Block("RF-ATTY-1", "the person is represented by an attorney for this debt: contact the attorney")
    )


def medium_opted_out(case: Case, policy: Policy) -> Blocked | None:
    """RF-MEDIA-1: a medium the person asked not to be used is not used (also GDPR-7). The rule's
    own exception: one confirmation of an electronic opt-out, containing nothing but the
    confirmation (§1006.14(h)(2)); the other rules (RF-ELEC-1's notice among them) still apply."""
    channel = case.action.channel
    opted_out = case.debtor.opted_out_channels
    if channel not in opted_out or case.action.confirmed_opt_out(opted_out):
        return None
    return Blocked(Block("RF-MEDIA-1", f"the person asked not to be contacted by {channel.value}"))


def contact_at_work(case: Case, policy: Policy) -> Blocked | None:
    """RF-WORK-1: nothing to the place of employment when the employer prohibits it. Unknown on
    either side (is it a work address? does the employer mind?) is read as yes."""
    to_work = case.action.to_work_address
    prohibits = case.debtor.employer_prohibits_contact_at_work
    if to_work is False or prohibits is False:
        return None
    assumed = [
        what
        for what, value in (("a work address", to_work), ("the employer's prohibition", prohibits))
        if value is None
    ]
    reason = "the employer prohibits contact at work and this goes to the person's workplace"
    if assumed:
        reason += f" ({' and '.join(assumed)} not stated, so assumed)"
    return Blocked(Block("RF-WORK-1", reason))


def missing_opt_out_notice(case: Case, policy: Policy) -> Blocked | None:
    """RF-ELEC-1: every email and text carries a clear, simple opt-out notice."""
    action = case.action
    if action.channel not in ELECTRONIC or action.includes_opt_out_notice:
        return None
    stated = "" if action.includes_opt_out_notice is False else " (not stated, so assumed missing)"
    return Blocked(
        Block("RF-ELEC-1", f"the {action.channel.value} has no opt-out notice{stated}; every one must")
    )


def workplace_email(case: Case, policy: Policy) -> Blocked | None:
    """RF-ELEC-2: no email to an address the employer provides. The exceptions (the person used it
    with the collector, or gave it with consent) are not in the case, so the guard does not allow
    them; an address not stated to be private counts as a work one."""
    action = case.action
    if action.channel is not Channel.EMAIL or action.to_work_address is False:
        return None
    stated = "" if action.to_work_address else " (not stated to be private, so assumed)"
    return Blocked(Block("RF-ELEC-2", f"the email goes to a workplace address{stated}"))


def outside_local_window(case: Case, policy: Policy) -> Blocked | None:
    """RF-TIME-1 (one location, or outside everywhere) and RF-TIME-2 (conflicting locations)."""
    return outside_window(case, policy, everywhere_rule="RF-TIME-1", conflict_rule="RF-TIME-2")


def inconvenient_time(case: Case, policy: Policy) -> Blocked | None:
    """RF-TIME-3: the times the person said are inconvenient."""
    return inside_inconvenient_time(case, "RF-TIME-3")
