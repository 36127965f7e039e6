"""Report snapshots: figures are reused while the book has not changed, never after a change
without saying so, and refreshed once (both databases)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.metrics import compute_metrics
from dunwell.core.metrics_codec import decode_metrics, encode_metrics
from dunwell.core.money import Money
from dunwell.kit import audit, book_version
from dunwell.kit.snapshots import Codec, cached, snapshot_key, wait_for_refreshes
from dunwell.orm import ReportSnapshot
from dunwell.reporting.dashboard import build_dashboard
from dunwell.reporting.service import metrics_as_of
from dunwell.settlements.posting import allocate
from factories import make_customer, make_invoice, make_payment

AS_OF = date(2024, 6, 30)
COUNTER: Codec[dict[str, Any]] = Codec(encode=dict, decode=dict)


def _book(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        customer = make_customer(session)
        for month in (3, 4, 5):
            make_invoice(session, customer=customer, amount="100.00", issue_date=date(2024, month, 1))
        audit.record(session, actor="test", action="test.book", subject_type="test", subject_id=1)
        return make_invoice(session, customer=customer, amount="40.00", issue_date=date(2024, 6, 1)).id


def _pay(sessions: sessionmaker[Session], invoice_id: int) -> None:
    with sessions.begin() as session:
        customer = make_customer(session)
        payment = make_payment(session, customer=customer, amount="40.00", value_date=date(2024, 6, 20))
        allocate(session, payment_id=payment.id, invoice_id=invoice_id, amount=Money.of("40.00", "USD"),
                 applied_on=date(2024, 6, 20), actor="test")  # fmt: skip


def test_the_codec_gives_back_the_very_figures() -> None:
    metrics = compute_metrics([], as_of=AS_OF)
    assert decode_metrics(encode_metrics(metrics)) == metrics


def test_a_figure_is_computed_once_while_the_book_stands_still(sessions: sessionmaker[Session]) -> None:
    calls: list[int] = []

    def compute(session: Session) -> dict[str, Any]:
        calls.append(1)
        return {"n": len(calls)}

    with sessions() as session:
        first = cached(session, "k", compute, COUNTER, stale_for=timedelta(minutes=5))
        again = cached(session, "k", compute, COUNTER, stale_for=timedelta(minutes=5))
    assert (first.value, again.value, first.stale, again.stale) == ({"n": 1}, {"n": 1}, False, False)
    assert len(calls) == 1


def test_after_a_change_the_old_figure_is_shown_marked_and_refreshed_once(
    sessions: sessionmaker[Session],
) -> None:
    calls: list[int] = []

    def compute(session: Session) -> dict[str, Any]:
        calls.append(1)
        return {"n": len(calls)}

    with sessions() as session:
        cached(session, "k", compute, COUNTER, stale_for=timedelta(minutes=5))
    with sessions.begin() as session:
        audit.record(session, actor="test", action="test.change", subject_type="test", subject_id=1)
    with sessions() as session:
        stale = cached(session, "k", compute, COUNTER, stale_for=timedelta(minutes=5))
        # A second reader while the refresh runs: the claim is taken, so no second refresh starts.
        also_stale = cached(session, "k", compute, COUNTER, stale_for=timedelta(minutes=5))
    wait_for_refreshes()
    with sessions() as session:
        fresh = cached(session, "k", compute, COUNTER, stale_for=timedelta(minutes=5))
        stored = session.scalars(select(ReportSnapshot)).one()
        version = book_version.current(session)
    assert (stale.value, stale.stale) == ({"n": 1}, True)
    # (the refresh may already have landed by then: either way, it ran once)
    assert (also_stale.value, also_stale.stale) in (({"n": 1}, True), ({"n": 2}, False))
    assert (fresh.value, fresh.stale) == ({"n": 2}, False)
    assert len(calls) == 2
    assert stored.book_version == version
    assert stored.refreshing_since is None


def test_with_no_staleness_allowed_a_change_is_computed_at_once(sessions: sessionmaker[Session]) -> None:
    invoice_id = _book(sessions)
    manager = Principal.operator("test")
    with sessions() as session:
        before = build_dashboard(session, manager, as_of=AS_OF, stale_for=timedelta(0))
    _pay(sessions, invoice_id)  # posted and audited: the book's version moves
    with sessions() as session:
        after = build_dashboard(session, manager, as_of=AS_OF, stale_for=timedelta(0))
        alone = metrics_as_of(session, as_of=AS_OF, currency="USD").overall
    assert before.metrics is not None
    assert after.metrics is not None
    assert before.metrics.total_ar - after.metrics.total_ar == Decimal("40.00")
    assert after.metrics == alone
    assert not after.stale


def test_a_posting_marks_the_dashboard_stale_until_refreshed(sessions: sessionmaker[Session]) -> None:
    invoice_id = _book(sessions)
    manager = Principal.operator("test")
    with sessions() as session:
        first = build_dashboard(session, manager, as_of=AS_OF)
    _pay(sessions, invoice_id)
    with sessions() as session:
        shown = build_dashboard(session, manager, as_of=AS_OF)
    wait_for_refreshes()
    with sessions() as session:
        refreshed = build_dashboard(session, manager, as_of=AS_OF)
    assert shown.stale
    assert shown.metrics == first.metrics
    assert not refreshed.stale
    assert refreshed.metrics != first.metrics


def test_each_portfolio_and_currency_has_its_own_snapshot(sessions: sessionmaker[Session]) -> None:
    _book(sessions)
    with sessions() as session:
        build_dashboard(session, Principal.operator("test"), as_of=AS_OF)
        nobody = Principal(actor="c", role=UserRole.COLLECTOR, user_id=99, portfolio=frozenset())
        mine = build_dashboard(session, nobody, as_of=AS_OF)
        keys = sorted(session.scalars(select(ReportSnapshot.key)))
    assert mine.metrics is None
    assert len(keys) == 2


def test_a_long_key_keeps_a_digest_of_what_was_cut() -> None:
    owners_a = ",".join(map(str, range(1, 300)))
    owners_b = ",".join(map(str, range(1, 299)))
    a, b = snapshot_key("dashboard", owners_a), snapshot_key("dashboard", owners_b)
    assert len(a) <= 400
    assert len(b) <= 400
    assert a != b


def test_only_changes_to_the_book_move_its_version(sessions: sessionmaker[Session]) -> None:
    def version_after(action: str) -> int | None:
        with sessions.begin() as session:
            audit.record(session, actor="test", action=action, subject_type="test", subject_id=1)
        with sessions() as session:
            return book_version.current(session)

    start = version_after("touch.logged")  # a collector's call: no figure reads it
    assert version_after("promise.recorded") == start
    assert version_after("allocation.applied") == (start or 0) + 1
    assert version_after("something.new") == (start or 0) + 2  # unknown: taken to change the book
