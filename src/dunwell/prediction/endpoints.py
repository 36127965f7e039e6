"""REST: one invoice with its prediction, settlements and history; the model registry."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.kit.http import ERROR_RESPONSES, current_principal, db_session
from dunwell.prediction.invoice_view import invoice_record
from dunwell.prediction.registry_view import models_overview

router = APIRouter(tags=["predictions"], responses=ERROR_RESPONSES)


@router.get("/invoices/{number}")
def get_invoice(
    number: Annotated[str, Path(pattern=r"^[^\x00-\x1f/]{1,64}$")],
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    entity: Annotated[str | None, Query(description="The entity's code, when numbers repeat.")] = None,
) -> dict[str, Any]:
    """The invoice, its latest prediction with reasons, its allocations (cash, credits, deductions,
    write-offs, with reversals) and the changes imports made. An invoice of a customer outside
    your portfolio is 404, like one that does not exist."""
    return invoice_record(session, number, entity=entity, principal=principal)


@router.get("/models")
def get_models(
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    monitor: Annotated[bool, Query(description="Also monitor the newest model (reads the book).")] = True,
) -> dict[str, Any]:
    """Every registered model, newest first: training window, holdout figures beside the baselines,
    the predictor chosen per group; and the newest model's accuracy by month, calibration, drift
    and whether to retrain."""
    return models_overview(session, principal, monitor=monitor)
