"""One invoice as a collector looks it up: its facts and the latest prediction, with reasons."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.access import Principal
from dunwell.core.errors import DunwellError, ErrorKind
from dunwell.core.money import minor_to_decimal
from dunwell.orm.customer import Customer
from dunwell.orm.invoice import Invoice
from dunwell.prediction.repository import ModelRepository
from dunwell.prediction.service import RISK_PREFIX


def invoice_detail(
    session: Session, number: str, *, entity: str | None = None, principal: Principal | None = None
) -> dict[str, Any]:
    """The invoice with ``number`` (in ``entity`` when numbers repeat across entities).

    A customer outside ``principal``'s portfolio is *not found*, like a number that does not exist
    (None: the server's operator, who sees everything)."""
    invoice, customer, entity_code = _find(session, number, entity=entity, principal=principal)
    return _detail(session, invoice, customer, entity_code)


def invoice_record(
    session: Session, number: str, *, entity: str | None = None, principal: Principal | None = None
) -> dict[str, Any]:
    """``invoice_detail`` with the document's settlements (reversals included) and the changes
    imports made to it: the invoice page and ``GET /invoices/{number}``."""
    invoice, customer, entity_code = _find(session, number, entity=entity, principal=principal)
    repository = ModelRepository(session)
    detail = _detail(session, invoice, customer, entity_code)
    detail["amount_minor"], detail["open_amount_minor"] = invoice.amount_minor, invoice.open_amount_minor
    detail["allocations"] = [
        {
            "id": a["id"],
            "kind": a["kind"].value,
            "amount": str(minor_to_decimal(a["amount_minor"], a["currency"])),
            "amount_minor": a["amount_minor"],
            "applied_on": a["applied_on"].isoformat(),
            "applied_by": a["applied_by"],
            "payment": None
            if a["payment_key"] is None
            else {
                "reference": a["payment_key"],
                "value_date": a["payment_value_date"].isoformat(),
                "payer": a["payer_name"],
                "bank_reference": a["bank_reference"],
            },
            "credit_memo": a["credit_memo"],
            "reversed_on": a["reversed_on"].isoformat() if a["reversed_on"] else None,
            "reversed_by": a["reversed_by"],
            "reversal_reason": a["reversal_reason"],
        }
        for a in repository.allocations_of(invoice.id)
    ]
    detail["revisions"] = [
        {
            "recorded_at": r.recorded_at.isoformat(),
            "effective_on": r.effective_on.isoformat(),
            "import_batch": r.import_batch_id,
            "changes": [
                {
                    "field": name,
                    "old": _shown(name, old, invoice.currency),
                    "new": _shown(name, new, invoice.currency),
                }
                for name, (old, new) in sorted(r.changes.items())
            ],
        }
        for r in repository.revisions_of(invoice.id)
    ]
    return detail


def _shown(field: str, value: Any, currency: str) -> Any:
    """Amounts are stored as minor units in a revision: shown as the decimal amount."""
    if field.endswith("_minor") and isinstance(value, int):
        return str(minor_to_decimal(value, currency))
    return value


def _find(
    session: Session, number: str, *, entity: str | None, principal: Principal | None
) -> tuple[Invoice, Customer, str]:
    found = [
        row
        for row in ModelRepository(session).invoices_numbered(number, entity=entity)
        if principal is None or principal.sees(row[1].owner_id)
    ]
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
    return found[0]


def _detail(session: Session, invoice: Invoice, customer: Customer, entity_code: str) -> dict[str, Any]:
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
