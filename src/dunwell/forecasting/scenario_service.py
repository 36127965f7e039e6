"""What-if scenarios on the stored book (issue 19): ``dunwell scenario run FILE.yaml``.

The base is the book's cash forecast in one currency from the end of the as-of day (the same open
book, quantiles and never-paid chances as ``dunwell forecast``, from ``prediction.cash_in``),
with each customer's trailing billing, typical terms, business segment and a risk band; the
engines in ``dunwell.forecast.scenarios`` run each scenario on the same random numbers and report
the differences. A collection policy's effect is measured by the strategy lab on a simulated
stand-in company (``simulation.strategy_effect``) unless the file states it.

Customers are named in the file by their id in the ERP (``external_id``) or by their name.
Risk bands come from the customers' payment-behaviour segments as of the day (ADR 0023): ``high``
for chronic late payers and deteriorating accounts, ``medium`` for steady late, seasonal and new or
thin histories, ``low`` for early, on-time and payment-run payers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.forecast.scenario_file import KnownNames, ScenarioFileError, parse_scenarios
from dunwell.forecast.scenarios import ScenarioBase, run_scenarios, with_lab_effects
from dunwell.forecasting.repository import ForecastRepository
from dunwell.forecasting.service import DEFAULT_DRAWS, PreparedBook, prepared_book
from dunwell.ml.history import day_number
from dunwell.ml.segments import Segment
from dunwell.prediction.cash_in import cash_in_at, estimate_rho
from dunwell.prediction.forecast_backtest import DEFAULT_RHO
from dunwell.segments.service import segments_as_of
from dunwell.simulation.strategy_effect import measure_policy_effect

HORIZON_DAYS = 91
RATE_DAYS = 91  # the trailing window of each customer's billing (13 weeks, as the base forecast's)
SALES_DAYS = 90  # DSO's credit sales
RISK_BANDS = {
    Segment.CHRONIC_LATE: "high",
    Segment.DETERIORATING: "high",
    Segment.STEADY_LATE: "medium",
    Segment.SEASONAL: "medium",
    Segment.NEW_OR_THIN: "medium",
    Segment.EARLY_PAYER: "low",
    Segment.ON_TIME: "low",
    Segment.PAYMENT_RUN: "low",
}


#: What the Scenarios page offers before anyone edits it: changes any book can run (no segment,
#: customer or band named), one of each kind the book's data allows.
STARTER = """scenarios:
  - name: Everyone on net 60
    kind: terms_change
    all: true
    to_days: 60
    cost_of_capital: 0.08
  - name: 2/10 net 30 for everyone
    kind: early_payment_discount
    all: true
    terms: "2/10 net 30"
    default_uptake: 0.3
    cost_of_capital: 0.08
  - name: Oldest overdue first
    kind: collection_policy
    policy: oldest-first
"""


def run_scenario_file(
    session: Session,
    principal: Principal,
    path: Path,
    *,
    as_of: date,
    currency: str | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ScenarioFileError(str(path), f"cannot read the file: {error.strerror or error}") from None
    found = run_scenario_text(
        session, principal, text, source=str(path), as_of=as_of, currency=currency, draws=draws, seed=seed
    )
    return {"file": str(path), **found}


def run_scenario_text(
    session: Session,
    principal: Principal,
    text: str,
    *,
    source: str,
    as_of: date,
    currency: str | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
) -> dict[str, Any]:
    """Run the scenarios of ``text`` (YAML; ``source`` names it in errors) against the base."""
    base, model_version = scenario_base(
        session, principal, as_of=as_of, currency=currency, draws=draws, seed=seed
    )
    scenarios = parse_scenarios(text, KnownNames.of(base), source=source)
    report = run_scenarios(base, with_lab_effects(scenarios, measure_policy_effect))
    return {"as_of": as_of.isoformat(), "model_version": model_version, **report.to_dict()}


def scenario_base(
    session: Session,
    principal: Principal,
    *,
    as_of: date,
    currency: str | None,
    draws: int,
    seed: int,
) -> tuple[ScenarioBase, int]:
    book = prepared_book(session, principal, as_of=as_of)
    history, minor = book.stored.history, book.stored.amount_minor
    names = history.currency_names
    code = _currency(book, currency, as_of)
    index = names.index(code)
    day = day_number(as_of)
    rows = book.visible & (history.currency == index) & history.is_invoice & (minor > 0)
    rho = estimate_rho(history, rows, day, fallback=DEFAULT_RHO)
    found = cash_in_at(
        history, minor, index, book.predictor, day, horizon=HORIZON_DAYS, draws=draws, rho=rho,
        seed=seed, open_minor=book.open_minor, rows=rows,
    )  # fmt: skip
    issued = rows & (history.issue <= day)
    keys = np.unique(book.customer_pk[issued])
    position = {int(pk): i for i, pk in enumerate(keys)}
    external = ForecastRepository(session).external_ids()
    behaviour = {r.customer_id: r.segment for r in segments_as_of(session, principal, as_of=as_of)}
    recent = issued & (history.issue > day - RATE_DAYS)
    billed = np.bincount(
        [position[int(pk)] for pk in book.customer_pk[recent]], weights=minor[recent], minlength=len(keys)
    )
    terms = np.full(len(keys), 30, dtype=np.int64)
    for i, pk in enumerate(keys):
        mine = issued & (book.customer_pk == pk)
        terms[i] = int(np.median(history.due[mine] - history.issue[mine]))
    sales = issued & (history.issue > day - SALES_DAYS)
    open_rows = found.open_rows
    base = ScenarioBase(
        currency=code,
        amount_minor=found.book.amount_minor,
        p10=found.book.p10,
        p50=found.book.p50,
        p90=found.book.p90,
        p_never=found.book.p_never,
        customer=np.array([position[int(pk)] for pk in book.customer_pk[open_rows]], dtype=np.int64),
        due_in_days=(history.due[open_rows] - day).astype(np.int64),
        customer_keys=tuple(external.get(int(pk), str(pk)) for pk in keys),
        customer_names=tuple(book.customers[int(pk)][0] for pk in keys),
        segment=tuple(book.customers[int(pk)][1] or "" for pk in keys),
        risk_band=tuple(
            RISK_BANDS.get(behaviour[int(pk)], "") if int(pk) in behaviour else "" for pk in keys
        ),
        billing_per_day=billed / RATE_DAYS,
        billing_pattern=found.pattern,
        terms_days=terms,
        discount_history={},  # no early-payment discount is recorded in the book: stated uptake instead
        sales_last_90_minor=int(minor[sales].sum()),
        open_minor=int(found.book.amount_minor.sum()),
        horizon_days=HORIZON_DAYS,
        draws=draws,
        rho=rho,
        seed=seed,
    )
    return base, book.model_version


def _currency(book: PreparedBook, asked: str | None, as_of: date) -> str:
    """The currency asked for, or the one with the most open and recently billed."""
    history, minor = book.stored.history, book.stored.amount_minor
    names = list(history.currency_names)
    if asked is not None:
        if asked.upper() not in names:
            raise DunwellError(
                f"no documents in {asked.upper()} (currencies: {', '.join(names)})",
                code="currency_not_in_book",
                kind=ErrorKind.NOT_FOUND,
            )
        return asked.upper()
    day = day_number(as_of)
    recent = book.visible & history.is_invoice & (history.issue <= day) & (history.issue > day - RATE_DAYS)
    totals = np.bincount(history.currency[recent], weights=minor[recent], minlength=len(names))
    if not totals.any():
        raise DunwellError(
            f"nothing was billed in the 13 weeks to {as_of}", code="empty_book", kind=ErrorKind.NOT_FOUND
        )
    return names[int(totals.argmax())]
