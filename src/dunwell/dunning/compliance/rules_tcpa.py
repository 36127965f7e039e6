"""The TCPA consent gate (RULES.md §B2), for every ledger: business numbers are covered too.

The case does not say whether a number is wireless, so every number is treated as one; every text
is treated as automated (a dunning sender sends them by machine). What needs which consent:

- a text: ``consent.sms``;
- a prerecorded or artificial-voice call: ``consent.prerecorded_call``;
- an autodialed call: ``consent.autodialed_call``;
- an automated call of unstated technology: both, since either might apply.

A consent flag that is true is prior express consent, including a number the person gave the
creditor for this debt (TCPA-2: a collector calling for the creditor stands in its shoes). False
(refused or revoked) blocks as TCPA-1; no record at all blocks as TCPA-6, the fail-closed gate.
"""

from __future__ import annotations

from dunwell.dunning.compliance.case import Automation, Case, Channel
from dunwell.dunning.compliance.decision import Block, Blocked, Policy

_CALL_CONSENTS = {
    Automation.MANUAL: (),
    Automation.PRERECORDED: ("prerecorded_call",),
    Automation.AUTODIALED: ("autodialed_call",),
    Automation.UNSPECIFIED: ("prerecorded_call", "autodialed_call"),
}
_CALL_NAMES = {
    Automation.MANUAL: "a manually dialled call",
    Automation.PRERECORDED: "a prerecorded-voice call",
    Automation.AUTODIALED: "an autodialed call",
    Automation.UNSPECIFIED: "an automated call of unstated technology",
}


def automated_contact_without_consent(case: Case, policy: Policy) -> Blocked | None:
    """TCPA-1 / TCPA-6: an automated call or any text needs the matching prior express consent."""
    action = case.action
    if action.channel is Channel.SMS:
        needed: tuple[str, ...] = ("sms",)
        what = "a text"
    elif action.channel is Channel.CALL:
        needed = _CALL_CONSENTS[action.automation]
        what = _CALL_NAMES[action.automation]
    else:
        return None
    consent = case.debtor.consent
    refused = [kind for kind in needed if getattr(consent, kind) is False]
    unknown = [kind for kind in needed if getattr(consent, kind) is None]
    if refused:
        return Blocked(
            Block("TCPA-1", f"{what} needs prior express consent ({', '.join(refused)}): not given")
        )
    if unknown:
        return Blocked(
            Block("TCPA-6", f"{what} needs prior express consent ({', '.join(unknown)}): no record, so none")
        )
    return None
