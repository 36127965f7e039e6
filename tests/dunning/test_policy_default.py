"""The shipped default policy validates and is the realistic B2B ladder the docs describe."""

from __future__ import annotations

from dunwell.core.collections import Channel
from dunwell.dunning.policy import Anchor, Tone
from dunwell.dunning.policy_files import DEFAULT_POLICY_FILE, default_policy_book, default_policy_text
from dunwell.dunning.policy_parse import check_policy_text


def test_the_shipped_default_validates() -> None:
    checked = check_policy_text(default_policy_text())
    assert checked.problems == ()
    assert DEFAULT_POLICY_FILE.name == "default.yaml"


def test_the_default_ladder() -> None:
    book = default_policy_book()
    assert book.assignments.default == "standard"
    policy = book.policies["standard"]
    ladder = [(s.id, s.anchor, s.days, s.tone, s.channels) for s in policy.steps]
    assert ladder == [
        ("heads_up", Anchor.DUE, -3, Tone.FRIENDLY, (Channel.EMAIL,)),
        ("reminder", Anchor.DUE, 3, Tone.FRIENDLY, (Channel.EMAIL,)),
        ("firm_reminder", Anchor.DUE, 14, Tone.FIRM, (Channel.EMAIL,)),
        ("urgent", Anchor.DUE, 30, Tone.URGENT, (Channel.EMAIL, Channel.CALL)),
        ("final_demand", Anchor.DUE, 45, Tone.FINAL_DEMAND, (Channel.LETTER, Channel.EMAIL)),
    ]
    urgent, final = policy.steps[3], policy.steps[4]
    assert urgent.offer_payment_plan
    assert not final.offer_payment_plan
    assert final.claim_interest
    assert final.claim_compensation
    assert final.legal_language
    assert final.approval.legal_language
    assert final.approval.strategic_accounts
    assert final.approval.amount_over_minor["USD"] == 5_000_000
    assert not any(s.claim_interest for s in policy.steps[:4])
    assert policy.payment_plan is not None
    assert policy.payment_plan.min_instalment_minor["EUR"] == 50_000
    assert policy.send_time.holdout_share == 0.10
    assert policy.steps[0].is_pre_due
