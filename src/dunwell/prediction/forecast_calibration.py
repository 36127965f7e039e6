"""The cash forecast's range calibration, learned when a model is trained (ADR 0033).

The backtest calibrates each origin's weekly P10-P90 range on earlier origins whose 13 weeks were
over by then (split conformal). The stored book's forecast does the same once per trained model:
from the ``CALIBRATION_ORIGINS`` weekly origins (16) whose 13 weeks ended by the training day, with a
predictor fitted on what was known at the earliest of them (it knows less than each origin, never
more: a predictor that had seen those weeks' payments would make the range look too good and
calibrate it too narrow). The calibration (``forecast.range_calibration``) is stored in the
model's metrics and applied to every forecast made with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dunwell.forecast.range_calibration import range_calibration
from dunwell.ml.errors import PredictionError
from dunwell.ml.history import InvoiceHistory, day_of
from dunwell.ml.predictor import PaymentPredictor
from dunwell.prediction.cash_in import estimate_rho
from dunwell.prediction.forecast_backtest import (
    CALIBRATION_ORIGINS,
    DEFAULT_RHO,
    WEEKS,
    forecast_at,
)

#: Fewer draws than a shown forecast: the factors are quantiles over 8 x 13 weekly buckets.
CALIBRATION_DRAWS = 300
STEP_DAYS = 7


def forecast_calibration(
    history: InvoiceHistory,
    minor: NDArray[np.int64],
    *,
    known_until: int,
    settings: dict[str, Any],
    rho: float = DEFAULT_RHO,
) -> dict[str, Any]:
    """Calibration factors for forecasts made with a model trained on ``history`` as known at the
    end of day ``known_until``; ``{"skipped": reason}`` when the book is too short for them."""
    horizon = WEEKS * 7
    origins = [known_until - horizon - STEP_DAYS * k for k in range(CALIBRATION_ORIGINS - 1, -1, -1)]
    try:
        predictor = PaymentPredictor(**settings).fit(history, known_until=origins[0])
    except PredictionError as error:
        return {"skipped": f"too little history before {day_of(origins[0])}: {error.message}"}
    currency = _main_currency(history, minor, origins[0], known_until)
    if currency < 0:
        return {"skipped": "no invoice was paid in the calibration window"}
    past = []
    ours = (history.currency == currency) & (minor > 0)
    for origin in origins:
        measured = estimate_rho(history, ours, origin, fallback=rho)
        found = forecast_at(
            history, minor, currency, predictor, origin,
            horizon=horizon, draws=CALIBRATION_DRAWS, rho=measured, seed=0,
        )  # fmt: skip
        past.append((found.actual, found.bands))
    return {
        **range_calibration(past).as_metrics(),
        "origins": [day_of(o).isoformat() for o in origins],
        "predictor_known_until": day_of(origins[0]).isoformat(),
        "currency": history.currency_names[currency],
        "draws": CALIBRATION_DRAWS,
        "rho_fallback": rho,
    }


def _main_currency(history: InvoiceHistory, minor: NDArray[np.int64], first: int, last: int) -> int:
    paid = history.is_invoice & (history.paid > first) & (history.paid <= last) & (minor > 0)
    if not paid.any():
        return -1
    totals = np.bincount(history.currency[paid], weights=minor[paid], minlength=len(history.currency_names))
    return int(totals.argmax())
