"""Approval is a flag on the planned message with its reasons, never a skip."""

from __future__ import annotations

from dunning.planning_factories import book_from, codes, customer, days_ago, item, only_message, run
from dunwell.dunning.planner_inputs import PastLine, PastMessage

THRESHOLDS = """\
policies:
  standard:
    steps:
      - id: firm
        from: due
        days: 10
        tone: firm
        channels: [email]
        approval: {amount_over: {USD: 25000.00, JPY: 3000000}, strategic_accounts: true}
      - {id: final, from: due, days: 30, tone: final_demand, channels: [letter],
         approval: {legal_language: true}}
      - {id: last_word, from: due, days: 60, tone: final_demand, channels: [letter], legal_language: false}
"""


def test_amount_over_the_threshold_in_the_message_currency() -> None:
    book = book_from(THRESHOLDS)
    at = only_message(run([item(1, days_overdue=12, open_minor=2_500_000)], book=book))
    assert at.approval == ()
    assert not at.needs_approval
    over = only_message(
        run(
            [item(1, days_overdue=12, open_minor=2_000_000), item(2, days_overdue=11, open_minor=500_001)],
            book=book,
        )
    )
    assert [(r.code.value, r.text) for r in over.approval] == [
        ("amount_over", "25000.01 USD is over the approval amount 25000.00 USD")
    ]
    yen = only_message(run([item(1, days_overdue=12, currency="JPY", open_minor=3_000_001)], book=book))
    assert yen.approval[0].text == "3000001 JPY is over the approval amount 3000000 JPY"


def test_a_currency_without_a_threshold_asks_for_approval() -> None:
    message = only_message(
        run([item(1, days_overdue=12, currency="GBP", open_minor=100)], book=book_from(THRESHOLDS))
    )
    assert [(r.code.value, r.text) for r in message.approval] == [
        ("amount_over", "step 'firm' sets no approval amount for GBP")
    ]


def test_strategic_accounts() -> None:
    message = only_message(
        run([item(1, days_overdue=12)], [customer(strategic=True)], book=book_from(THRESHOLDS))
    )
    assert codes(message.approval) == {"strategic"}


def test_legal_language_on_a_final_demand() -> None:
    book = book_from(THRESHOLDS)
    final = only_message(run([item(1, days_overdue=31)], book=book))
    assert [(r.code.value, r.text) for r in final.approval] == [
        ("legal_language", "step 'final' (final_demand) uses legal language")
    ]
    sent = PastMessage("k", 1, "USD", "final", days_ago(30), (PastLine(1, "final"),))
    plain = only_message(run([item(1, days_overdue=61)], history=[sent], book=book))
    assert (plain.step_id, plain.approval) == ("last_word", ())


def test_the_default_final_demand_needs_approval_and_claims_interest() -> None:
    message = only_message(run([item(1, days_overdue=45)], [customer(strategic=True)]))
    assert message.step_id == "final_demand"
    assert codes(message.approval) == {"strategic", "legal_language"}
    assert message.claim_interest
    assert message.claim_compensation
    reminder = only_message(run([item(1, days_overdue=3)], [customer(strategic=True)]))
    assert reminder.approval == ()
    assert not reminder.claim_interest
