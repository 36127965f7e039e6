"""The cash-in forecast backtested on a file alone (issue 19's file contract, ADR 0033).

From each origin between ``start`` and ``end`` (every ``step_days``), with only what was known at
the end of the origin day: the payment predictor is trained (again every ``refit_days``; a model
trained on an earlier day knows less, never more), every invoice open at the origin gets its
P10/P50/P90 payment days given its age, and the open book is simulated jointly
(``forecast.joint``) beside the cash of invoices not issued yet (``forecast.new_billing``). The
forecast is compared with the cash the file says arrived (each invoice's amount on its paid date)
over 7, 30 and 90 days and in 13 weekly buckets, beside two baselines made from the same knowledge:
``due_date`` (every open invoice pays on its due date, or the day after the origin when that has
passed; new invoices at the trailing run-rate pay on their terms) and ``avg_days_to_pay`` (each
customer's average days from issue to payment; new invoices at the book's average).

The forecast is made per currency; the figures are those of the currency with the most cash in the
test window (the others are named, not mixed in: minor units of two currencies do not add up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.range_calibration import RangeCalibration, range_calibration
from dunwell.forecast.rho import FALLBACK_RHO
from dunwell.ml.errors import PredictionError
from dunwell.ml.history import NEVER, InvoiceHistory, day_number, day_of
from dunwell.ml.predictor import PaymentPredictor
from dunwell.prediction.cash_in import cash_in_at, estimate_rho
from dunwell.prediction.files import FileHistory

HORIZONS = (7, 30, 90)
WEEKS = 13
LEVELS = (0.1, 0.5, 0.9)
#: How strongly a customer's invoices move together (latent-scale correlation of the copula):
#: measured per book and origin (``cash_in.estimate_rho``), this when the book has too little
#: settled history to measure it (ADR 0033).
DEFAULT_RHO = FALLBACK_RHO
#: Earlier origins (their 13 weeks complete) whose weekly errors calibrate the range.
CALIBRATION_ORIGINS = 16


@dataclass(frozen=True, slots=True)
class OriginForecast:
    origin: int
    actual: NDArray[np.int64]  # cash per day, days 1..H after the origin
    bands: NDArray[np.float64]  # [3, WEEKS]: the draws' P10/P50/P90 of each week's cash
    totals: dict[int, float]  # per horizon in days, the median of the draws' cumulative cash
    due_date: NDArray[np.int64]  # the baselines' cash per day
    avg_days_to_pay: NDArray[np.int64]

    def calibrated(self, calibration: RangeCalibration) -> OriginForecast:
        """The weekly range as the calibration makes it (``RangeCalibration.weekly``)."""
        bands = np.stack(calibration.weekly(*self.bands))
        return OriginForecast(
            self.origin, self.actual, bands, self.totals, self.due_date, self.avg_days_to_pay
        )


def forecast_backtest(
    book: FileHistory,
    *,
    start: date,
    end: date,
    step_days: int = 7,
    draws: int = 1000,
    refit_days: int = 28,
    rho: float = DEFAULT_RHO,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    rho_from_book: bool = True,
) -> dict[str, Any]:
    """``rho``: the copula's correlation; with ``rho_from_book`` it is measured at each origin on
    what was known then and ``rho`` is only the fallback for a book too young to measure it."""
    history, minor = book.history, book.amount_minor
    if end < start:
        raise PredictionError("bad_window", f"the backtest ends ({end}) before it starts ({start})")
    horizon = WEEKS * 7
    currency = _main_currency(history, minor, day_number(start), day_number(end) + horizon)
    first = day_number(start)
    # Earlier origins whose 13 weeks are over before the first test origin: the range's calibration.
    calibration = [first - horizon - step_days * k for k in range(CALIBRATION_ORIGINS, 0, -1)]
    origins = [*calibration, *range(first, day_number(end) + 1, step_days)]
    predictor: PaymentPredictor | None = None
    fitted_on = -NEVER
    made: list[OriginForecast] = []
    used: dict[int, float] = {}
    skipped: list[dict[str, str]] = []
    for origin in origins:
        if progress is not None:
            progress(f"origin {day_of(origin)}")
        if predictor is None or origin - fitted_on >= refit_days:
            try:
                predictor = PaymentPredictor(random_state=seed).fit(history, known_until=origin)
                fitted_on = origin
            except PredictionError as error:
                if origin >= first:
                    skipped.append({"origin": day_of(origin).isoformat(), "reason": error.message})
                predictor = None
                continue
        ours = (history.currency == currency) & (minor > 0)
        used[origin] = estimate_rho(history, ours, origin, fallback=rho) if rho_from_book else rho
        made.append(
            forecast_at(
                history,
                minor,
                currency,
                predictor,
                origin,
                horizon=horizon,
                draws=draws,
                rho=used[origin],
                seed=seed,
            )
        )
    found = [_calibrate(f, made, horizon) for f in made if f.origin >= first]
    result: dict[str, Any] = {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "step_days": step_days,
        "currency": history.currency_names[currency] if currency >= 0 else None,
        "other_currencies": [c for i, c in enumerate(history.currency_names) if i != currency],
        "origins": len(found),
        "origins_skipped": skipped,
        "draws": draws,
        "rho": _mean([used[f.origin] for f in found], digits=3) if found else rho,
        "rho_source": "estimated" if rho_from_book else "stated",
        "rho_fallback": rho,
        "rho_by_origin": {day_of(f.origin).isoformat(): round(used[f.origin], 3) for f in found},
    }
    result |= _figures([(f.actual, f.bands, f.totals) for f in found])
    result["baselines"] = {
        name: _figures([(f.actual, *_point(getattr(f, name))) for f in found])
        for name in ("due_date", "avg_days_to_pay")
    }
    return result


def forecast_at(
    history: InvoiceHistory,
    minor: NDArray[np.int64],
    currency: int,
    predictor: PaymentPredictor,
    origin: int,
    *,
    horizon: int,
    draws: int,
    rho: float,
    seed: int,
) -> OriginForecast:
    ours = (history.currency == currency) & history.is_invoice & (minor > 0)
    found = cash_in_at(
        history, minor, currency, predictor, origin, horizon=horizon, draws=draws, rho=rho, seed=seed
    )
    cash, open_rows, rate = found.cash, found.open_rows, found.pattern.rate_per_day
    weeks = cash[:, : WEEKS * 7].reshape(draws, WEEKS, 7).sum(axis=2).astype(np.float64)
    return OriginForecast(
        origin,
        _actual(history, minor, ours, origin, horizon),
        np.quantile(weeks, LEVELS, axis=0),
        {h: float(np.median(cash[:, :h].sum(axis=1))) for h in HORIZONS},
        _due_date_baseline(history, minor, ours, open_rows, origin, horizon, rate),
        _average_days_baseline(history, minor, ours, open_rows, origin, horizon, rate),
    )


def _actual(
    history: InvoiceHistory, minor: NDArray[np.int64], ours: NDArray[np.bool_], origin: int, horizon: int
) -> NDArray[np.int64]:
    """The cash the file says arrived on days 1..H after the origin (invoices issued later too)."""
    paid = ours & (history.paid > origin) & (history.paid <= origin + horizon)
    days = history.paid[paid] - origin - 1
    return np.bincount(days, weights=minor[paid], minlength=horizon).astype(np.int64)


def _due_date_baseline(
    history: InvoiceHistory,
    minor: NDArray[np.int64],
    ours: NDArray[np.bool_],
    open_rows: NDArray[np.int64],
    origin: int,
    horizon: int,
    rate: float,
) -> NDArray[np.int64]:
    days = np.maximum(history.due[open_rows] - origin, 1)
    cash = _spread(days, minor[open_rows], horizon)
    issued = ours & (history.issue <= origin)
    terms = int(np.median(history.due[issued] - history.issue[issued])) if issued.any() else 30
    return cash + _new_billing_after(rate, max(terms, 0), horizon)


def _average_days_baseline(
    history: InvoiceHistory,
    minor: NDArray[np.int64],
    ours: NDArray[np.bool_],
    open_rows: NDArray[np.int64],
    origin: int,
    horizon: int,
    rate: float,
) -> NDArray[np.int64]:
    settled = ours & (history.paid <= origin)
    took = (history.paid - history.issue)[settled]
    overall = float(took.mean()) if len(took) else 30.0
    totals = np.bincount(history.customer[settled], weights=took, minlength=len(history.customer_names))
    counts = np.bincount(history.customer[settled], minlength=len(history.customer_names))
    average = np.where(counts > 0, totals / np.maximum(counts, 1), overall)
    expected = history.issue[open_rows] + np.rint(average[history.customer[open_rows]]).astype(np.int64)
    cash = _spread(np.maximum(expected - origin, 1), minor[open_rows], horizon)
    return cash + _new_billing_after(rate, round(overall), horizon)


def _spread(days: NDArray[np.int64], amounts: NDArray[np.int64], horizon: int) -> NDArray[np.int64]:
    inside = days <= horizon
    return np.bincount(days[inside] - 1, weights=amounts[inside], minlength=horizon).astype(np.int64)


def _new_billing_after(rate: float, lag: int, horizon: int) -> NDArray[np.int64]:
    """Each day's run-rate billing (days 1..H) paid ``lag`` days later."""
    cash = np.zeros(horizon)
    if lag < horizon:
        cash[lag:] = rate
    return np.asarray(np.rint(cash), dtype=np.int64)


def _main_currency(history: InvoiceHistory, minor: NDArray[np.int64], first: int, last: int) -> int:
    window = history.is_invoice & (history.paid > first) & (history.paid <= last) & (minor > 0)
    if not window.any():
        return int(np.bincount(history.currency).argmax()) if len(history.currency) else -1
    totals = np.bincount(
        history.currency[window], weights=minor[window], minlength=len(history.currency_names)
    )
    return int(totals.argmax())


def _figures(found: list[tuple[NDArray[np.int64], NDArray[np.float64], dict[int, float]]]) -> dict[str, Any]:
    """Accuracy of the cumulative cash at each horizon (1 − |A − F| / A, F the median of the
    draws' totals), weekly WAPE of the P50, P10-P90 coverage of the weekly buckets and pinball
    losses (in the currency's minor units per bucket), each averaged over the origins."""
    accuracy: dict[int, list[float]] = {h: [] for h in HORIZONS}
    wape: list[float] = []
    covered: list[bool] = []
    pinball: dict[float, list[float]] = {q: [] for q in LEVELS}
    for actual, bands, totals in found:
        for h in HORIZONS:
            truth = float(actual[:h].sum())
            if truth > 0:
                accuracy[h].append(1.0 - abs(truth - totals[h]) / truth)
        weeks = actual[: WEEKS * 7].reshape(WEEKS, 7).sum(axis=1).astype(np.float64)
        if weeks.sum() > 0:
            wape.append(float(np.abs(weeks - bands[1]).sum() / weeks.sum()))
        covered.extend(((bands[0] <= weeks) & (weeks <= bands[2])).tolist())
        for q, band in zip(LEVELS, bands, strict=True):
            error = weeks - band
            pinball[q].append(float(np.mean(np.maximum(q * error, (q - 1) * error))))
    return {
        **{f"accuracy_{h}d": _mean(accuracy[h]) for h in HORIZONS},
        "weekly_wape": _mean(wape),
        "coverage_p10_p90": _mean([float(c) for c in covered]),
        **{f"pinball_p{int(q * 100)}": _mean(pinball[q], digits=0) for q in LEVELS},
    }


def _point(daily: NDArray[np.int64]) -> tuple[NDArray[np.float64], dict[int, float]]:
    """A point forecast as bands (its P10, P50 and P90 are the forecast) and totals."""
    weeks = daily[: WEEKS * 7].reshape(WEEKS, 7).sum(axis=1).astype(np.float64)
    return np.stack([weeks, weeks, weeks]), {h: float(daily[:h].sum()) for h in HORIZONS}


def _calibrate(forecast: OriginForecast, made: list[OriginForecast], horizon: int) -> OriginForecast:
    """The forecast's range calibrated on the latest ``CALIBRATION_ORIGINS`` earlier origins whose
    outcome was complete by this one (known at the origin: no test outcome)."""
    past = [f for f in made if f.origin + horizon <= forecast.origin][-CALIBRATION_ORIGINS:]
    if not past:
        return forecast
    return forecast.calibrated(range_calibration([(f.actual, f.bands) for f in past]))


def _mean(values: list[float], digits: int = 4) -> float | None:
    return round(float(np.mean(values)), digits) if values else None


def origin_days(start: date, end: date, step_days: int) -> list[date]:
    """The origins a backtest from ``start`` to ``end`` uses."""
    return [start + timedelta(days=k) for k in range(0, (end - start).days + 1, step_days)]
