"""One invoice as a collector looks it up: its facts and the latest prediction, with reasons."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import minor_to_decimal
from dunwell.prediction.repository import ModelRepository
from dunwell.prediction.service import RISK_PREFIX


def invoice_detail(session: Session, number: str, *, entity: str | None = None) -> dict[str, Any]:
    """The invoice with ``number`` (in ``entity`` when numbers repeat across entities)."""
    found = ModelRepository(session).invoices_numbered(number, entity=entity)
    if not found:
        where = f" in entity {entity}" if entity else ""
        raise DunwellError(
            f"no invoice {number!r}{where}", code="invoice_not_found", kind=ErrorKind.NOT_FOUND
        )
    if len(found) > 1:
        codes = ", ".join(sorted(code for _, _, code in found))
        raise DunwellError(
            f"invoice {number!r} exists in several entities ({codes}): add --entity",
            code="invoice_ambiguous",
            kind=ErrorKind.INVALID,
        )
    invoice, customer, entity_code = found[0]
    detail: dict[str, Any] = {
        "invoice": invoice.number,
        "entity": entity_code,
        "customer": {"id": customer.external_id, "name": customer.name},
        "kind": invoice.kind.value,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "terms": invoice.terms,
        "currency": invoice.currency,
        "amount": str(minor_to_decimal(invoice.amount_minor, invoice.currency)),
        "open_amount": str(minor_to_decimal(invoice.open_amount_minor, invoice.currency)),
        "status": invoice.status.value,
        "cleared_on": invoice.cleared_on.isoformat() if invoice.cleared_on else None,
        "disputed": invoice.disputed,
        "prediction": None,
    }
    latest = ModelRepository(session).latest_prediction(invoice.id)
    if latest is not None:
        p, version = latest
        detail["prediction"] = {
            "model_version": version,
            "as_of": p.as_of.isoformat(),
            "p10_date": p.p10_date.isoformat(),
            "p50_date": p.p50_date.isoformat(),
            "p90_date": p.p90_date.isoformat(),
            "p50_days_late": (p.p50_date - invoice.due_date).days,
            "risk_late": p.risk_late,
            "risk_late30": p.risk_late30,
            "risk_late60": p.risk_late60,
            "reasons": [r for r in p.reasons if not r.startswith(RISK_PREFIX)],
            "risk_reasons": [r.removeprefix(RISK_PREFIX) for r in p.reasons if r.startswith(RISK_PREFIX)],
        }
    return detail
