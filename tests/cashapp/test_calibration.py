"""A deployment learns its own confidence from its decisions; what a BAI2 remittance states per
item reaches the database run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.cashapp.test_matching_run import AS_OF

from cashapp.helpers import ENTITY, Book
from dunwell.cashapp.calibration import model_in_use, outcomes_of, recalibrate
from dunwell.cashapp.matching_run import run_matching
from dunwell.cashapp.service import import_statement
from dunwell.core.errors import DunwellError
from dunwell.kit import audit
from dunwell.matching.confidence import ConfidenceModel, shipped_model
from dunwell.matching.records import Evidence, MatchStatus
from dunwell.orm.cashapp import CashConfidenceModel, CashMatch, StatementEntry

EVIDENCE = [
    {"signal": "payer_name_fuzzy", "detail": "BOLT IND ~ Bolt Industries LLC (90%)", "weight": 0.17},
    {"signal": "reference_truncated", "detail": "0004 ~ 90000004", "weight": 1.5},
    {"signal": "short_paid", "detail": "10 short", "weight": 0.0},
]


def test_outcomes_follow_the_latest_word_on_each_payment() -> None:
    entries = [
        ("cashapp.auto_applied", "1", {"evidence": EVIDENCE}),  # stood: right
        ("cashapp.auto_applied", "2", {"evidence": EVIDENCE}),
        ("cashapp.rejected", "10", {"payment_id": 2, "evidence": EVIDENCE}),  # undone: wrong only
        (
            "cashapp.confirmed",
            "11",
            {"payment_id": 3, "evidence": EVIDENCE, "passed_over_evidence": EVIDENCE},
        ),
    ]
    found = sorted((o.group, o.right) for o in outcomes_of(entries))
    assert found == [("auto", True), ("confirmed", True), ("passed_over", False), ("rejected", False)]


def _decide(session: Session, count: int, *, right: bool) -> None:
    action = "cashapp.confirmed" if right else "cashapp.rejected"
    for i in range(count):
        details = {"payment_id": 10_000 + i + (0 if right else 50_000), "evidence": EVIDENCE}
        audit.record(
            session, actor="user:ann", action=action, subject_type="cash_match", subject_id=i, details=details
        )
    session.flush()


def test_too_few_decisions_keep_the_shipped_model(session: Session) -> None:
    _decide(session, 20, right=True)
    result = recalibrate(session, actor="user:ann")
    assert not result.activated
    assert "20 decisions" in result.reason
    assert model_in_use(session).source == "shipped"


def test_a_deployment_whose_payers_differ_learns_them_and_can_go_back(session: Session) -> None:
    before = shipped_model().confidence([Evidence(e["signal"], "", e["weight"]) for e in EVIDENCE])
    _decide(session, 1500, right=True)
    _decide(session, 2, right=False)

    result = recalibrate(session, actor="user:ann")

    assert result.activated, result.reason
    in_use = model_in_use(session)
    assert (in_use.source, in_use.outcomes, in_use.wrong) == ("deployment", 1502, 2)
    after = in_use.model.confidence([Evidence(e["signal"], "", e["weight"]) for e in EVIDENCE])
    assert after > before  # what this company's people keep confirming is now trusted more
    assert after >= in_use.model.auto_threshold
    assert in_use.model.auto_threshold < 1.0
    actions = session.scalars(select(audit.AuditEntry.action)).all()
    assert "cashapp.recalibrated" in actions

    recalibrate(session, actor="user:ann", reset=True)
    assert model_in_use(session).source == "shipped"


def test_decisions_that_cannot_hold_the_precision_change_nothing(session: Session) -> None:
    _decide(session, 300, right=True)
    _decide(session, 60, right=False)
    result = recalibrate(session, actor="user:ann")
    assert not result.activated
    assert "99.5 %" in result.reason


def test_a_stored_model_this_version_cannot_read_is_refused_clearly(session: Session) -> None:
    bad = {**shipped_model().to_json(), "coefficients": {"payer_horoscope": 1.0}}
    session.add(CashConfidenceModel(fitted_by="x", model=bad, outcomes=1, wrong=0, active=True))
    session.flush()
    with pytest.raises(DunwellError, match="payer_horoscope"):
        model_in_use(session)


BAI2 = (
    "01,SENDER,RECEIVER,240229,2000,1,,,2/\n"
    "02,RECEIVER,BANK,1,240229,2000,USD,2/\n"
    "03,ACCT123,USD,010,0,,,015,48000,,/\n"
    "16,165,48000,Z,REF001,,ORIG CO NAME:BOLT INDUSTRIES ORIG ID:9988776655 DESC DATE:240201 "
    "CO ENTRY DESCR:PAYMENT SEC:CTX TRACE#:123 IND NAME:DUNWELL\n"
    "88,ADDENDA:RMR*IV*90000004*PI*480.00*500.00~ADX*-20.00*01~\n"
    "49,96000,4/\n98,96000,1,6/\n99,96000,1,8/\n"
)


def test_what_a_bai2_remittance_states_per_item_is_applied_from_the_database(
    session: Session, book: Book, tmp_path: Path
) -> None:
    statement = tmp_path / "lockbox.bai2"
    statement.write_text(BAI2, encoding="ascii")
    import_statement(session, statement, entity_code=ENTITY, actor="test")
    entry = session.scalars(select(StatementEntry)).one()
    assert entry.remittance_items == [
        {"reference": "90000004", "paid_minor": 48000, "invoiced_minor": 50000, "discount_minor": None,
         "adjustment_minor": -2000, "adjustment_reason": "01"},
    ]  # fmt: skip
    assert entry.bank_text is not None
    assert "ORIG CO NAME" in entry.bank_text

    run_matching(session, as_of=AS_OF, actor="test")

    match = session.scalars(select(CashMatch)).one()
    assert match.status is MatchStatus.AUTO
    best = match.candidates[0]
    assert [(a["number"], a["amount_minor"]) for a in best["allocations"]] == [("90000004", 48000)]
    assert best["write_off_minor"] == 2000
    assert "01" in best["write_off_reason"]


def test_the_matching_run_uses_the_deployments_model(
    session: Session, book: Book, import_camt: Callable
) -> None:
    from cashapp.helpers import Entry

    never = ConfidenceModel(0.0, {}, auto_threshold=1.01)
    session.add(CashConfidenceModel(fitted_by="x", model=never.to_json(), outcomes=1, wrong=0, active=True))
    session.flush()
    import_camt([Entry("E-1", "100.00", remittance="90000001", payer="Acme Trading Inc")])
    run_matching(session, as_of=AS_OF, actor="test")
    assert session.scalars(select(CashMatch)).one().status is MatchStatus.SUGGESTED
