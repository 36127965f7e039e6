"""Customer import: the customer master, upserted by entity + customer id."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from dunwell.core.addresses import postal_lines
from dunwell.core.money import decimal_to_minor
from dunwell.customers.repository import CustomerRepository
from dunwell.imports.fingerprint import fingerprint
from dunwell.imports.report import DatabaseRejection, ImportReport
from dunwell.ingest.records import CustomerRow
from dunwell.organisation.repository import OrganisationRepository


class CustomerImporter:
    #: Rows reach ``import_chunk`` as the parser makes them (no preparation in the reader).
    prepare = None
    batch_id = 0

    def __init__(self) -> None:
        self._entity_ids: dict[str, int] = {}

    def import_chunk(
        self, session: Session, rows: list[CustomerRow], report: ImportReport
    ) -> list[DatabaseRejection]:
        orgs = OrganisationRepository(session)
        customers = CustomerRepository(session)
        rejections: list[DatabaseRejection] = []
        # Rejected first: a rejected row must not create the entity or the collector it names.
        accepted: list[CustomerRow] = []
        for row in rows:
            if row.credit_limit is not None and row.currency is None:
                rejections.append(
                    DatabaseRejection(row.line, "currency", "a credit limit needs the customer's currency")
                )
            else:
                accepted.append(row)
        missing = {r.entity for r in accepted} - self._entity_ids.keys()
        if missing:
            self._entity_ids.update(orgs.entity_ids(missing))
        owner_ids = orgs.user_ids({r.owner for r in accepted if r.owner})
        by_entity: dict[int, list[CustomerRow]] = defaultdict(list)
        for row in accepted:
            by_entity[self._entity_ids[row.entity]].append(row)
        for entity_id, group in by_entity.items():
            stored = customers.by_external_ids(entity_id, (r.customer_id for r in group))
            new: list[dict[str, Any]] = []
            for row in group:
                values = _values(row, entity_id, owner_ids)
                existing = stored.get(row.customer_id)
                if existing is None:
                    new.append(values)
                elif existing.source_hash == values["source_hash"]:
                    report.unchanged += 1
                else:
                    customers.update_one(existing.id, values)
                    report.updated += 1
            customers.insert_many(new)
            report.imported += len(new)
        return rejections


def _values(row: CustomerRow, entity_id: int, owner_ids: dict[str, int]) -> dict[str, Any]:
    limit = None
    if row.credit_limit is not None and row.currency is not None:
        limit = decimal_to_minor(row.credit_limit, row.currency)
    return {
        "entity_id": entity_id,
        "external_id": row.customer_id,
        "name": row.name,
        "country": row.country,
        "currency": row.currency,
        "time_zone": row.time_zone,
        "terms": row.terms,
        "credit_limit_minor": limit,
        "credit_limit_currency": row.currency if limit is not None else None,
        "segment": row.segment,
        "owner_id": owner_ids.get(row.owner) if row.owner else None,
        "parent_external_id": row.parent_id,
        "postal_address": postal_lines(
            line1=row.address_line1,
            line2=row.address_line2,
            postal_code=row.postal_code,
            city=row.city,
            region=row.region,
            country=row.country,
        ),
        "source_hash": fingerprint(
            (
                row.name,
                row.country,
                row.currency,
                row.time_zone,
                row.terms,
                row.credit_limit,
                row.segment,
                row.owner,
                row.parent_id,
                row.address_line1,
                row.address_line2,
                row.postal_code,
                row.city,
                row.region,
            )
        ),
    }
