"""The stored book's cash forecast on a real database (SQLite and PostgreSQL): a small simulated
company imported the way a user imports it, a model trained on it, the forecast read back.

These tests check the plumbing and the bookkeeping (what is open, whose it is, what moves it);
the forecast's accuracy is measured by ``dunwell forecast backtest`` and ``bench/forecast_bench.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.access import Principal
from dunwell.core.collections import UserRole
from dunwell.core.documents import DocumentKind
from dunwell.core.errors import DunwellError
from dunwell.forecasting.schemas import CashForecast, ForecastBy, GroupForecast
from dunwell.forecasting.service import NO_SEGMENT, NOT_ISSUED, cash_forecast, forecast_snapshot
from dunwell.kit.snapshots import wait_for_refreshes
from dunwell.orm import Customer, Invoice, PredictionModel, User
from dunwell.orm.payment import Allocation
from dunwell.prediction.forecast_backtest import CALIBRATION_ORIGINS
from forecasting.stocked import (
    MAIN,
    TODAY,
    TRAINED_TO,
    pay_largest_open_invoice,
    stock_and_train,
    write_small_company,
)

AS_OF = date(2025, 1, 15)
DRAWS = 200
ADMIN = Principal.operator("test")


@pytest.fixture(scope="module")
def company_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_company(tmp_path_factory.mktemp("company"))


@pytest.fixture
def trained(sessions: sessionmaker[Session], company_files: Path) -> sessionmaker[Session]:
    stock_and_train(sessions, company_files)
    return sessions


def _open_as_of(
    session: Session, as_of: date, customers: set[int] | None = None
) -> dict[str, tuple[int, int]]:
    """Per currency (total open, invoices open) at the end of ``as_of``, read straight from the tables."""
    found: dict[str, tuple[int, int]] = {}
    for invoice in session.scalars(select(Invoice).where(Invoice.kind == DocumentKind.INVOICE)):
        if invoice.issue_date > as_of or (customers is not None and invoice.customer_id not in customers):
            continue
        settled = sum(
            a.amount_minor
            for a in session.scalars(select(Allocation).where(Allocation.invoice_id == invoice.id))
            if a.applied_on <= as_of and (a.reversed_on is None or a.reversed_on > as_of)
        )
        if invoice.amount_minor - settled > 0:
            total, count = found.get(invoice.currency, (0, 0))
            found[invoice.currency] = (total + invoice.amount_minor - settled, count + 1)
    return found


def _in(forecast: CashForecast, currency: str) -> GroupForecast:
    (group,) = [g for g in forecast.groups if g.currency == currency and g.group is None]
    return group


def test_each_day_and_week_has_an_ordered_range_and_named_contributors(
    trained: sessionmaker[Session],
) -> None:
    with trained() as session:
        forecast = cash_forecast(session, ADMIN, as_of=AS_OF, draws=DRAWS)
        expected_open = _open_as_of(session, AS_OF)
        names = dict(session.execute(select(Customer.id, Customer.name)).all())
    # One forecast per currency: amounts in two currencies never add up.
    assert {g.currency: (g.open_minor, g.open_invoices) for g in forecast.groups} == expected_open
    group = _in(forecast, MAIN)
    assert len(group.weeks) == 13
    assert len(group.days) == 91
    assert group.weeks[0].start == AS_OF + timedelta(days=1)
    assert group.days[-1][0] == AS_OF + timedelta(days=91)
    for week in group.weeks:
        band = week.band
        assert 0 <= band.p10_minor <= band.p50_minor <= band.p90_minor
        assert week.open_book_minor >= 0
        assert week.contributors, "every week names where its cash comes from"
        for contributor in week.contributors:
            assert contributor.expected_minor > 0
            if contributor.customer_id is None:
                assert contributor.name == NOT_ISSUED
            else:
                assert names[contributor.customer_id] == contributor.name
    # The book is paid mostly within the quarter: most of what is open comes in, not all of it.
    assert 0.4 * group.open_minor < group.total.p50_minor
    assert forecast.calibration.keys() >= {"low", "high", "origins"}
    assert CashForecast.from_dict(forecast.to_dict()) == forecast
    # How strongly a customer's invoices move together is measured on the book (or the fallback).
    assert all(0.0 <= g.rho < 1.0 for g in forecast.groups)


def test_the_range_calibration_was_learned_on_weeks_over_by_the_training_day(
    trained: sessionmaker[Session],
) -> None:
    with trained() as session:
        model = session.scalars(select(PredictionModel)).one()
        calibration = model.metrics["forecast_calibration"]
    assert calibration["low"] > 0
    assert calibration["high"] > 0
    origins = [date.fromisoformat(o) for o in calibration["origins"]]
    assert len(origins) == CALIBRATION_ORIGINS
    assert max(origins) + timedelta(days=91) <= TRAINED_TO
    # The predictor behind it knew no more than the first origin.
    assert calibration["predictor_known_until"] == min(origins).isoformat()


def test_applying_cash_takes_the_invoice_out_and_the_page_sees_it(trained: sessionmaker[Session]) -> None:
    with trained() as session:
        before = cash_forecast(session, ADMIN, as_of=TODAY, draws=DRAWS)
        snapshot = forecast_snapshot(session, ADMIN, as_of=TODAY)
        assert not snapshot.stale
    paid = pay_largest_open_invoice(trained)
    with trained() as session:
        after = cash_forecast(session, ADMIN, as_of=TODAY, draws=DRAWS)
        stale = forecast_snapshot(session, ADMIN, as_of=TODAY)
    was, now = _in(before, MAIN), _in(after, MAIN)
    assert (now.open_minor, now.open_invoices) == (was.open_minor - paid, was.open_invoices - 1)
    assert now.total.p50_minor < was.total.p50_minor
    assert stale.stale, "the page says the figures predate the payment while they are refreshed"
    wait_for_refreshes()
    with trained() as session:
        fresh = forecast_snapshot(session, ADMIN, as_of=TODAY)
    assert not fresh.stale
    assert _in(fresh.value, MAIN).open_minor == now.open_minor


def test_groups_by_segment_split_the_book_and_a_collector_sees_their_portfolio(
    trained: sessionmaker[Session],
) -> None:
    with trained.begin() as session:
        owner = User(login="col", name="Col", role=UserRole.COLLECTOR)
        session.add(owner)
        session.flush()
        mine = set(session.scalars(select(Customer.id).order_by(Customer.id).limit(10)))
        for customer in session.scalars(select(Customer).where(Customer.id.in_(mine))):
            customer.owner_id = owner.id
        owner_id = owner.id
    with trained() as session:
        whole = cash_forecast(session, ADMIN, as_of=AS_OF, draws=DRAWS)
        by_segment = cash_forecast(session, ADMIN, as_of=AS_OF, draws=DRAWS, by=ForecastBy.SEGMENT)
        segments = {s or NO_SEGMENT for s in session.scalars(select(Customer.segment))}
        collector = Principal("col", UserRole.COLLECTOR, owner_id, frozenset({owner_id}))
        theirs = cash_forecast(session, collector, as_of=AS_OF, draws=DRAWS)
        expected = _open_as_of(session, AS_OF, mine)
    assert {g.group for g in by_segment.groups} <= segments
    for currency in {g.currency for g in whole.groups}:
        parts = [g.open_minor for g in by_segment.groups if g.currency == currency]
        assert sum(parts) == _in(whole, currency).open_minor
    assert theirs.scope == "portfolio"
    assert {g.currency: (g.open_minor, g.open_invoices) for g in theirs.groups} == expected
    assert sum(g.open_minor for g in theirs.groups) < sum(g.open_minor for g in whole.groups)


def test_a_forecast_before_the_models_training_day_is_refused(trained: sessionmaker[Session]) -> None:
    with trained() as session, pytest.raises(DunwellError, match="unknown then") as raised:
        cash_forecast(session, ADMIN, as_of=TRAINED_TO - timedelta(days=1), draws=DRAWS)
    assert raised.value.code == "model_from_the_future"
