"""The cash-in forecast of the stored book (issue 19, ADR 0033).

From the end of the as-of day, for the next weeks: every invoice open then (what was still open
of it after the allocations applied by that day) gets its P10/P50/P90 payment days from the
latest registered payment model, and the open book is simulated jointly beside invoices not
issued yet (``prediction.cash_in``: the very code the backtest measures). The range is
calibrated as the model's training learned on weeks that were already over
(``prediction.forecast_calibration``, ``forecast.range_calibration``): the scaled simulated range
for days, weeks and the total, joined for weeks with the weekly relative error's range.

One forecast per currency (minor units of two currencies never add up), and with ``by`` one per
entity or business segment within it. A collector's forecast covers the customers of their
portfolio. The forecast is kept as a report snapshot until the book changes (ADR 0022): applying
cash moves the book's version, so the page shows the new forecast after the next refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.forecast.contributions import expected_by_customer_week, largest
from dunwell.forecast.range_calibration import RangeCalibration
from dunwell.forecasting.repository import ForecastRepository
from dunwell.forecasting.schemas import (
    Band,
    CashForecast,
    Contributor,
    ForecastBy,
    GroupForecast,
    WeekForecast,
)
from dunwell.kit.snapshots import Codec, Snapshot, cached, snapshot_key
from dunwell.ml.history import day_number
from dunwell.ml.predictor import PaymentPredictor
from dunwell.orm.prediction import PredictionModel
from dunwell.prediction.book import StoredHistory, load_book
from dunwell.prediction.cash_in import CashIn, cash_in_at, estimate_rho
from dunwell.prediction.forecast_backtest import DEFAULT_RHO
from dunwell.prediction.service import load_model

DEFAULT_WEEKS = 13
MAX_WEEKS = 26
DEFAULT_DRAWS = 1000
#: Customers named per week on the page and in the JSON.
CONTRIBUTORS = 5
NOT_ISSUED = "Invoices not issued yet"
NO_SEGMENT = "(no segment)"
STALE_FOR = timedelta(minutes=15)
LEVELS = (0.1, 0.5, 0.9)

_CODEC: Codec[CashForecast] = Codec(lambda f: f.to_dict(), CashForecast.from_dict)


def cash_forecast(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    weeks: int = DEFAULT_WEEKS,
    by: ForecastBy | None = None,
    draws: int = DEFAULT_DRAWS,
    model_version: int | None = None,
    seed: int = 0,
) -> CashForecast:
    """The forecast from the end of ``as_of`` for ``weeks`` weeks, of what ``principal`` may see."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise DunwellError(f"weeks must be 1 to {MAX_WEEKS}, not {weeks}", code="bad_weeks")
    book = prepared_book(session, principal, as_of=as_of, model_version=model_version)
    record, predictor, history, customers = book.record, book.predictor, book.stored.history, book.customers
    stored, customer_pk, visible, open_minor = book.stored, book.customer_pk, book.visible, book.open_minor
    calibration = dict(record.metrics.get("forecast_calibration") or {"skipped": "the model predates it"})
    ranges = RangeCalibration.from_metrics(calibration)
    day = day_number(as_of)
    names = {pk: name for pk, (name, _, _) in customers.items()}
    groups = []
    for currency, group, rows in _groups(stored, customers, customer_pk, visible, by):
        # How strongly a customer's invoices move together, measured on the currency's own book
        # (a segment alone is often too small to measure it).
        rho = estimate_rho(history, visible & (history.currency == currency), day, fallback=DEFAULT_RHO)
        found = cash_in_at(
            history, stored.amount_minor, currency, predictor, day, horizon=weeks * 7, draws=draws,
            rho=rho, seed=seed, open_minor=open_minor, rows=rows,
        )  # fmt: skip
        if not len(found.open_rows) and found.pattern.rate_per_day <= 0:
            continue
        label = (history.currency_names[currency], group)
        groups.append(
            _group(found, label, open_minor, customer_pk, names, as_of=as_of, calibration=ranges, rho=rho)
        )
    groups.sort(key=lambda g: (g.currency, -g.open_minor, g.group or ""))
    return CashForecast(
        as_of=as_of,
        weeks=weeks,
        by=by,
        scope="book" if principal.portfolio is None else "portfolio",
        model_version=record.version,
        model_known_until=record.known_until,
        draws=draws,
        rho=DEFAULT_RHO,
        calibration=calibration,
        groups=tuple(groups),
    )


@dataclass(frozen=True)
class PreparedBook:
    """The stored book as a forecast from the end of a day reads it, with the model to use."""

    record: PredictionModel
    predictor: PaymentPredictor
    stored: StoredHistory
    customers: dict[int, tuple[str, str | None, int | None]]  # id: (name, business segment, owner)
    customer_pk: NDArray[np.int64]  # each history row's customer id
    visible: NDArray[np.bool_]  # the rows of the customers the reader may see
    open_minor: NDArray[np.int64]  # each row's amount still open at the end of the day

    @property
    def model_version(self) -> int:
        return self.record.version


def prepared_book(
    session: Session, principal: Principal, *, as_of: date, model_version: int | None = None
) -> PreparedBook:
    record, predictor = load_model(session, model_version)
    if as_of < record.known_until:
        raise DunwellError(
            f"model version {record.version} learned from the book up to {record.known_until}; a forecast "
            f"as of {as_of} would use payments that were unknown then. "
            f"Train a model as of {as_of} or earlier.",
            code="model_from_the_future",
            kind=ErrorKind.INVALID,
        )
    stored = load_book(session)
    repository = ForecastRepository(session)
    customers = repository.customers()
    history = stored.history
    customer_pk = np.array([int(name) for name in history.customer_names], dtype=np.int64)[history.customer]
    visible = np.ones(len(customer_pk), dtype=bool)
    if principal.portfolio is not None:
        mine = [pk for pk, (_, _, owner) in customers.items() if owner in principal.portfolio]
        visible = np.isin(customer_pk, mine)
    settled = repository.settled_by(as_of)
    settled_minor = np.array([settled.get(int(pk), 0) for pk in stored.invoice_pk], dtype=np.int64)
    open_minor = np.asarray(stored.amount_minor - settled_minor, dtype=np.int64)
    return PreparedBook(record, predictor, stored, customers, customer_pk, visible, open_minor)


def forecast_snapshot(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    weeks: int = DEFAULT_WEEKS,
    by: ForecastBy | None = None,
    stale_for: timedelta = STALE_FOR,
) -> Snapshot[CashForecast]:
    """The forecast as the page and the API serve it: kept until the book changes (ADR 0022)."""
    portfolio = None if principal.portfolio is None else sorted(principal.portfolio)
    key = snapshot_key("forecast/v1", portfolio, as_of, weeks, by)

    def compute(reader: Session) -> CashForecast:
        return cash_forecast(reader, principal, as_of=as_of, weeks=weeks, by=by)

    return cached(session, key, compute, _CODEC, stale_for=stale_for)


def _groups(
    stored: StoredHistory,
    customers: dict[int, tuple[str, str | None, int | None]],
    customer_pk: NDArray[np.int64],
    visible: NDArray[np.bool_],
    by: ForecastBy | None,
) -> list[tuple[int, str | None, NDArray[np.bool_]]]:
    """(currency code, group name, the rows of the group) for every group with documents."""
    history = stored.history
    if by is ForecastBy.ENTITY:
        labels = np.asarray(history.entity_names, dtype=object)[history.entity]
    elif by is ForecastBy.SEGMENT:
        segment = {pk: seg or NO_SEGMENT for pk, (_, seg, _) in customers.items()}
        labels = np.array([segment.get(int(pk), NO_SEGMENT) for pk in customer_pk], dtype=object)
    else:
        labels = np.full(len(customer_pk), None, dtype=object)
    found = []
    for currency in range(len(history.currency_names)):
        ours = visible & (history.currency == currency)
        for label in (
            sorted({str(x) for x in labels[ours]}) if by not in (None, ForecastBy.CURRENCY) else [None]
        ):
            rows = ours if label is None else ours & (labels == label)
            if rows.any():
                found.append((currency, label, rows))
    return found


def _group(
    found: CashIn,
    label: tuple[str, str | None],  # the currency and the group in it
    open_minor: NDArray[np.int64],
    customer_pk: NDArray[np.int64],
    names: dict[int, str],
    *,
    as_of: date,
    calibration: RangeCalibration,
    rho: float,
) -> GroupForecast:
    currency, group = label
    cash = found.cash
    weeks = cash.shape[1] // 7
    draws = cash.shape[0]
    weekly = cash[:, : weeks * 7].reshape(draws, weeks, 7).sum(axis=2)
    book_weekly = found.book_cash[:, : weeks * 7].reshape(draws, weeks, 7).sum(axis=2)
    new_weekly = found.new_cash[:, : weeks * 7].reshape(draws, weeks, 7).sum(axis=2)
    week_bands = _bands(weekly, calibration, weekly=True)
    day_bands = _bands(cash, calibration)
    total = _bands(cash.sum(axis=1, keepdims=True), calibration)[0]
    expected = expected_by_customer_week(found.book, weeks=weeks) if len(found.open_rows) else None
    # The dense customer index of the open book is the order of np.unique over its customers.
    book_customers = np.unique(customer_pk[found.open_rows])
    rows = []
    for w in range(weeks):
        named = [] if expected is None else largest(expected, w, CONTRIBUTORS)
        contributors = [
            Contributor(int(book_customers[c]), names.get(int(book_customers[c]), "?"), round(value))
            for c, value in named
        ]
        not_issued = round(float(new_weekly[:, w].mean()))
        if not_issued > 0:
            contributors.append(Contributor(None, NOT_ISSUED, not_issued))
        contributors.sort(key=lambda c: -c.expected_minor)
        start = as_of + timedelta(days=7 * w + 1)
        rows.append(
            WeekForecast(
                start=start,
                end=start + timedelta(days=6),
                band=week_bands[w],
                open_book_minor=round(float(book_weekly[:, w].mean())),
                contributors=tuple(contributors[:CONTRIBUTORS]),
            )
        )
    return GroupForecast(
        currency=currency,
        group=group,
        open_minor=int(open_minor[found.open_rows].sum()),
        open_invoices=len(found.open_rows),
        billing_per_day_minor=round(found.pattern.rate_per_day),
        rho=round(rho, 3),
        days=tuple((as_of + timedelta(days=d + 1), band) for d, band in enumerate(day_bands)),
        weeks=tuple(rows),
        total=total,
    )


def _bands(cash: NDArray[np.int64], calibration: RangeCalibration, *, weekly: bool = False) -> list[Band]:
    """Per bucket (column) the draws' P10/P50/P90 as the calibration sets them: weeks with its
    relative part too, days and the whole horizon with the scaled simulation only (the weekly
    relative error says nothing of a day's or a quarter's)."""
    p10, p50, p90 = np.quantile(cash, LEVELS, axis=0)
    if weekly:
        lower, p50, upper = calibration.weekly(p10, p50, p90)
    else:
        lower, upper = calibration.scaled(p10, p50, p90)
    return [
        Band(round(float(a)), round(float(b)), round(float(c)))
        for a, b, c in zip(lower, p50, upper, strict=True)
    ]
