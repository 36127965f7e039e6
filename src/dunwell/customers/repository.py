"""All SQL about customers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dunwell.kit.bulk import one_of
from dunwell.orm.customer import Customer


@dataclass(frozen=True, slots=True)
class StoredCustomer:
    id: int
    external_id: str
    source_hash: str | None


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_external_ids(self, entity_id: int, external_ids: Iterable[str]) -> dict[str, StoredCustomer]:
        rows = self.session.execute(
            select(Customer.id, Customer.external_id, Customer.source_hash).where(
                Customer.entity_id == entity_id, one_of(self.session, Customer.external_id, set(external_ids))
            )
        )
        return {ext: StoredCustomer(id_, ext, h) for id_, ext, h in rows}

    def ensure(self, entity_id: int, names_by_external_id: Mapping[str, str | None]) -> dict[str, int]:
        """``{external_id: id}``, creating the customers an invoice file mentions for the first time."""
        found = self.by_external_ids(entity_id, names_by_external_id)
        missing = [ext for ext in names_by_external_id if ext not in found]
        if missing:
            self.session.execute(
                insert(Customer),
                [
                    {"entity_id": entity_id, "external_id": ext, "name": names_by_external_id[ext] or ext}
                    for ext in missing
                ],
            )
            found = self.by_external_ids(entity_id, names_by_external_id)
        return {ext: c.id for ext, c in found.items()}

    def insert_many(self, values: list[dict[str, Any]]) -> None:
        if values:
            self.session.execute(insert(Customer), values)

    def update_one(self, customer_id: int, values: dict[str, Any]) -> None:
        self.session.execute(update(Customer).where(Customer.id == customer_id).values(**values))
