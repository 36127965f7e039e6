"""All SQL about import batches (the rows themselves go through each module's repository)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dunwell.core.errors import DunwellError
from dunwell.orm.import_batch import ImportBatch


class ImportBatchRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def start(self, *, kind: str, source_file: str, mapping: str | None) -> int:
        batch = ImportBatch(kind=kind, source_file=source_file, mapping=mapping)
        self.session.add(batch)
        self.session.flush()
        return batch.id

    def for_update(self, batch_id: int) -> ImportBatch:
        batch = self.session.get(ImportBatch, batch_id, with_for_update=True)
        if batch is None:  # started in an earlier transaction of the same import
            raise DunwellError(f"import batch {batch_id} is gone", code="import_batch_missing")
        return batch
