"""Payment import: received cash (bank credits) as unapplied payments, keyed for idempotency."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.money import decimal_to_minor
from dunwell.customers.repository import CustomerRepository
from dunwell.imports.fingerprint import fingerprint
from dunwell.imports.report import DatabaseRejection, ImportReport
from dunwell.ingest.records import PaymentRow
from dunwell.organisation.repository import OrganisationRepository
from dunwell.orm.payment import PaymentOrigin
from dunwell.payments.repository import PaymentRepository


class PaymentImporter:
    #: Rows reach ``import_chunk`` as the parser makes them (no preparation in the reader).
    prepare = None
    batch_id = 0

    def __init__(self, *, source_file: Path) -> None:
        self.source_file = str(source_file)
        self._entity_ids: dict[str, int] = {}

    def import_chunk(
        self, session: Session, rows: list[PaymentRow], report: ImportReport
    ) -> list[DatabaseRejection]:
        orgs = OrganisationRepository(session)
        customers = CustomerRepository(session)
        payments = PaymentRepository(session)
        rejections: list[DatabaseRejection] = []
        missing = {r.entity for r in rows} - self._entity_ids.keys()
        if missing:
            self._entity_ids.update(orgs.entity_ids(missing))
        by_entity: dict[int, list[PaymentRow]] = defaultdict(list)
        for row in rows:
            by_entity[self._entity_ids[row.entity]].append(row)
        for entity_id, group in by_entity.items():
            known = customers.by_external_ids(entity_id, {r.customer_id for r in group if r.customer_id})
            stored = payments.by_natural_keys(entity_id, (r.natural_key for r in group))
            new: list[dict[str, Any]] = []
            for row in group:
                if row.customer_id and row.customer_id not in known:
                    rejections.append(
                        DatabaseRejection(row.line, "customer_id", f"unknown customer {row.customer_id!r}")
                    )
                    continue
                values = self._values(row, entity_id, known[row.customer_id].id if row.customer_id else None)
                existing = stored.get(row.natural_key)
                if existing is None:
                    new.append(values)
                elif existing.source_hash == values["source_hash"]:
                    report.unchanged += 1
                elif existing.unapplied_minor != existing.amount_minor and (
                    existing.amount_minor != values["amount_minor"] or existing.currency != values["currency"]
                ):
                    rejections.append(
                        DatabaseRejection(
                            row.line,
                            "amount",
                            "payment is already applied: its amount and currency cannot change",
                        )
                    )
                else:
                    # Descriptive fields (payer, remittance) may be corrected; the applied part is kept.
                    applied = existing.amount_minor - existing.unapplied_minor
                    values["unapplied_minor"] = values["amount_minor"] - applied
                    payments.update_one(existing.id, values)
                    report.updated += 1
            payments.insert_many(new)
            report.imported += len(new)
        return rejections

    def _values(self, row: PaymentRow, entity_id: int, customer_id: int | None) -> dict[str, Any]:
        minor = decimal_to_minor(row.amount, row.currency)
        return {
            "entity_id": entity_id,
            "natural_key": row.natural_key,
            "origin": PaymentOrigin.IMPORT,
            "value_date": row.value_date,
            "currency": row.currency,
            "amount_minor": minor,
            "unapplied_minor": minor,
            "customer_id": customer_id,
            "payer_name": row.payer_name,
            "payer_account": row.payer_account,
            "remittance": row.remittance,
            "bank_reference": row.bank_reference,
            "source_file": self.source_file,
            "source_line": row.line,
            "source_hash": fingerprint(
                (
                    row.value_date,
                    row.amount,
                    row.currency,
                    row.payer_name,
                    row.payer_account,
                    row.remittance,
                    row.customer_id,
                    row.bank_reference,
                )
            ),
        }
