"""The segment service on a stored book: portfolios, changes, the dashboard's alerts and the
customer page's card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.errors import DunwellError
from dunwell.ml.segments import Segment
from dunwell.segments.service import (
    changes_between,
    customer_segment,
    segments_as_of,
    worsened_recently,
)
from segments.segment_db import OPERATOR, StoredBook, build_stored_book, principal_of


@pytest.fixture
def book(sessions: sessionmaker[Session]) -> StoredBook:
    with sessions.begin() as session:
        return build_stored_book(session)


def test_a_collector_sees_only_their_portfolio(sessions: sessionmaker[Session], book: StoredBook) -> None:
    with sessions() as session:
        cleo = principal_of(session, "cleo")
        mine = segments_as_of(session, cleo, as_of=book.worse_on)
        everyone = segments_as_of(session, OPERATOR, as_of=book.worse_on)
        changes = changes_between(session, cleo, start=book.worse_on - timedelta(days=30), end=book.worse_on)
    assert {r.customer_id for r in mine} == {book.cleos, book.cleos_early}
    assert {r.customer_id for r in everyone} == {book.cleos, book.ottos, book.cleos_early}
    assert [c.customer_id for c in changes] == [book.cleos]


def test_changes_between_two_days_are_alerts_with_the_figures(
    sessions: sessionmaker[Session], book: StoredBook
) -> None:
    with sessions() as session:
        rows = changes_between(session, OPERATOR, start=book.worse_on - timedelta(days=30), end=book.worse_on)
        none = changes_between(
            session,
            OPERATOR,
            start=book.worse_on - timedelta(days=60),
            end=book.worse_on - timedelta(days=31),
        )
    assert {r.customer_id for r in rows} == {book.cleos, book.ottos}
    assert all(r.worse and r.before is Segment.ON_TIME for r in rows)
    trend = [{m.name: (m.before, m.after) for m in r.moved}["trend_per_month"] for r in rows]
    assert all(before < 1.0 <= after for before, after in trend)  # the rule that fired, and its move
    assert none == []


def test_the_dashboards_alerts_are_one_snapshot_shown_per_portfolio(
    sessions: sessionmaker[Session], book: StoredBook
) -> None:
    with sessions() as session:
        cleo = principal_of(session, "cleo")
        everyone = worsened_recently(session, OPERATOR, as_of=book.worse_on)
        mine = worsened_recently(session, cleo, as_of=book.worse_on)
        otto = worsened_recently(session, principal_of(session, "otto"), as_of=book.worse_on)
    assert {c.customer_id for c in everyone.value} == {book.cleos, book.ottos}
    assert [c.customer_id for c in mine.value] == [book.cleos]
    assert [c.customer_id for c in otto.value] == [book.ottos]
    assert mine.compute_seconds == everyone.compute_seconds  # served from the snapshot, not recomputed


def test_the_customer_card_and_a_customer_outside_the_portfolio(
    sessions: sessionmaker[Session], book: StoredBook
) -> None:
    with sessions() as session:
        cleo = principal_of(session, "cleo")
        card = customer_segment(session, cleo, book.cleos, as_of=book.worse_on)
        with pytest.raises(DunwellError) as refused:
            customer_segment(session, cleo, book.ottos, as_of=book.worse_on)
    assert card.previous is Segment.ON_TIME
    assert card.current is not None
    assert card.current.segment is not Segment.ON_TIME
    assert card.change is not None
    assert card.change.worse
    assert refused.value.code == "customer_not_found"
