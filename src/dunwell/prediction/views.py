"""Pages: one invoice (prediction, settlements, history) and the model registry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.kit.http import current_principal, db_session, page
from dunwell.prediction.invoice_view import invoice_record
from dunwell.prediction.registry_view import models_overview

router = APIRouter(include_in_schema=False)


@router.get("/invoices/{number}")
def invoice_page(
    request: Request,
    number: str,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
    entity: str | None = None,
) -> Response:
    record = invoice_record(session, number, entity=entity or None, principal=principal)
    return page(request, "prediction/invoice.html", principal, nav="customers", inv=record)


@router.get("/models")
def models_page(
    request: Request,
    session: Annotated[Session, Depends(db_session, scope="function")],
    principal: Annotated[Principal, Depends(current_principal)],
) -> Response:
    overview = models_overview(session, principal)
    return page(request, "prediction/models.html", principal, nav="models", **overview)
