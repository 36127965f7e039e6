"""The worklist on a small constructed book (SQLite, and PostgreSQL when DUNWELL_TEST_POSTGRES_URL is
set): the ranking, every reason to be left out, currencies, the broken-promise bonus, the holdout,
capacity, who sees what, and the cached model."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.access import Forbidden, Principal
from dunwell.core.collections import UserRole
from dunwell.core.errors import DunwellError
from dunwell.worklist.planning import known_book
from dunwell.worklist.service import set_capacity, worklist
from dunwell.worklist.values import Worklist
from worklist.worklist_book import DAY, OPERATOR, Book, build_book, collector, person, policy


@pytest.fixture
def book(sessions: sessionmaker[Session]) -> Book:
    with sessions.begin() as session:
        return build_book(session)


def plan(session: Session, principal: Principal = OPERATOR, **kwargs: object) -> Worklist:
    return worklist(session, principal, as_of=DAY, policy=policy(), **kwargs)  # type: ignore[arg-type]


def queue_of(found: Worklist, login: str):  # type: ignore[no-untyped-def]
    return next(q for q in found.queues if q.login == login)


def test_customers_are_ranked_by_extra_cash_per_minute(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions() as session:
        cleo = queue_of(plan(session), "cleo")
    ranked = [r.external_id for r in cleo.rows]
    # Priors only (a tiny book): the value follows the amount at stake; EUR counts one for one with USD.
    assert ranked == ["BIG", "EURO", "MIDDLE", "SMALL", "BROKEN"]
    assert [r.rank for r in cleo.rows] == [1, 2, 3, 4, 5]
    big = cleo.rows[0]
    assert big.suggestion.channel == "call"
    assert big.suggestion.value_minor > 0
    assert big.figures[0].overdue_minor == 500_000
    assert big.figures[0].expected_minor > 0
    assert any("5000.00 USD overdue" in line for line in big.why)
    assert (
        cleo.planned_minutes == sum(r.suggestion.minutes for r in cleo.rows) <= cleo.capacity_minutes == 240
    )
    assert "CURRENT" not in ranked + [o.external_id for o in cleo.left_out]  # nothing overdue: no list


def test_every_customer_left_out_says_why(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions() as session:
        cleo = queue_of(plan(session), "cleo")
    reasons = {o.external_id: [r.code.value for r in o.reasons] for o in cleo.left_out}
    assert reasons == {
        "HOLD": ["hold"],
        "PROMISED": ["promise"],
        "DISPUTED": ["disputed"],
        "CASH": ["recent_cash"],
        "QUIET": ["quiet_period"],
        "NOCONTACT": ["no_contact"],
    }
    disputed = next(o for o in cleo.left_out if o.external_id == "DISPUTED")
    assert disputed.figures[0].disputed_minor == 70_000
    assert disputed.figures[0].overdue_minor == 0


def test_currencies_are_valued_apart_and_ranked_at_the_configured_rate(
    sessions: sessionmaker[Session], book: Book
) -> None:
    from dataclasses import replace
    from decimal import Decimal

    with sessions() as session:
        cheap_euro = replace(policy(), rates={"EUR": Decimal("0.1")})
        found = worklist(session, OPERATOR, as_of=DAY, policy=cheap_euro)
    rows = queue_of(found, "cleo").rows
    euro = next(r for r in rows if r.external_id == "EURO")
    assert [f.currency for f in euro.figures] == ["EUR"]
    assert euro.figures[0].expected_minor == 22_500
    assert euro.suggestion.value_minor == 2_250  # in USD for ranking only
    assert [r.external_id for r in rows] == ["BIG", "MIDDLE", "EURO", "SMALL", "BROKEN"]  # 300 USD now


def test_a_broken_promise_raises_the_rank(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions() as session:
        broken = next(r for r in queue_of(plan(session), "cleo").rows if r.external_id == "BROKEN")
    assert broken.promise is not None
    assert broken.promise.status == "broken"
    assert broken.suggestion.value_minor == broken.figures[0].expected_minor * 125 // 100
    assert any("broke a promise" in line for line in broken.why)


def test_the_holdout_gets_the_default_policy(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions() as session:
        found = worklist(session, OPERATOR, as_of=DAY, policy=policy(holdout_share=1.0))
    cleo = queue_of(found, "cleo")
    assert cleo.rows == ()
    assert all("holdout" in [r.code.value for r in o.reasons] for o in cleo.left_out)


def test_capacity_limits_the_day_and_the_rest_waits(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions.begin() as session:
        set_capacity(session, OPERATOR, "cleo", 26)
    with sessions() as session:
        cleo = queue_of(plan(session), "cleo")
    assert cleo.capacity_minutes == 26
    assert cleo.planned_minutes <= 26
    assert [r.external_id for r in cleo.rows][:2] == ["BIG", "EURO"]
    waiting = {o.external_id for o in cleo.left_out if o.reasons[0].code.value == "capacity"}
    assert {"SMALL", "BROKEN"} <= waiting


def test_who_sees_which_queue(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions() as session:
        cleo = collector(session, "cleo")
        mine = plan(session, cleo)
        assert [q.login for q in mine.queues] == ["cleo"]
        with pytest.raises(DunwellError) as refused:
            plan(session, cleo, collector="otto")
        assert refused.value.code == "collector_not_found"
        viewer = Principal(actor="vic", role=UserRole.VIEWER, user_id=person(session, "vic", UserRole.VIEWER))
        assert {q.login for q in plan(session, viewer).queues} == {"cleo", "otto"}
        assert [q.login for q in plan(session, OPERATOR, collector="otto").queues] == ["otto"]
        with pytest.raises(Forbidden):
            set_capacity(session, cleo, "cleo", 480)
        with pytest.raises(DunwellError):
            set_capacity(session, OPERATOR, "cleo", -5)


def test_the_model_is_read_once_per_day_and_book(sessions: sessionmaker[Session], book: Book) -> None:
    with sessions() as session:
        first = known_book(session, DAY)
        assert known_book(session, DAY) is first  # a second page view does not retrain
        assert known_book(session, DAY + timedelta(days=1)) is not first
    assert first.known == DAY - timedelta(days=1)
    assert first.info.kind == "priors"  # too little history in a tiny book, and it says so
    assert "not enough history" in first.info.note
