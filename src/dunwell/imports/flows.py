"""Running an import end to end: file -> canonical rows -> database, in resumable chunks.

Each chunk of rows is one transaction. A crash loses at most the chunk in flight, and running the
same import again finishes the job: rows already stored are recognised as unchanged, so nothing is
posted twice. Rejected rows never stop the import; they go to the reject file with their reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from dunwell.core.errors import DunwellError, present
from dunwell.imports.chunking import ChunkReader
from dunwell.imports.customer_import import CustomerImporter
from dunwell.imports.invoice_import import InvoiceImporter
from dunwell.imports.invoice_rows import PreparedInvoice
from dunwell.imports.payment_import import PaymentImporter
from dunwell.imports.report import DatabaseRejection, ImportReport
from dunwell.imports.repository import ImportBatchRepository
from dunwell.ingest import ImportKind, ImportMapping, RejectWriter, check_columns, open_table
from dunwell.kit import audit, book_version
from dunwell.kit.bulk import refresh_statistics
from dunwell.kit.db import unit_of_work
from dunwell.orm.base import table_of, utcnow
from dunwell.orm.customer import Customer
from dunwell.orm.invoice import Invoice
from dunwell.orm.payment import Allocation, Payment

#: Rows written before the planner statistics are first refreshed (then at 10x, 100x, ...).
_FIRST_ANALYZE = 10_000
_GROWN_TABLES = tuple(table_of(model) for model in (Customer, Invoice, Payment, Allocation))

#: How many rejections the report keeps to show on the console (the reject file has them all).
SAMPLE_REJECTIONS = 5


#: ``import_chunk(session, rows, report)`` of one of the per-kind importers.
_ImportChunk = Callable[[Session, list[Any], ImportReport], list[DatabaseRejection]]


def run_import(
    sessions: sessionmaker[Session],
    *,
    kind: ImportKind,
    path: Path,
    mapping: ImportMapping,
    mapping_label: str,
    as_of: date,
    batch_size: int = 5000,
    actor: str = "import",
    on_progress: Callable[[int], None] | None = None,
    snapshot: bool = False,
    in_process: bool | None = None,
) -> ImportReport:
    """Import ``path`` as ``kind`` rows through ``mapping``; returns the counts and the reject file.

    ``snapshot``: the file lists every open invoice of its entities as of ``as_of``; open documents
    it leaves out are cleared on that date (only when no row was rejected: a rejected row may be one
    of the documents that looks missing). ``in_process``: parse in a separate process (None: for
    large files; see ``chunking``).
    """
    if snapshot and kind is not ImportKind.INVOICES:
        raise DunwellError("a snapshot import is for invoices only", code="snapshot_not_invoices")
    report = ImportReport()
    with open_table(path, mapping=mapping) as table:
        check_columns(mapping, table.columns)
        columns = table.columns
    importer = _importer(kind, path=path, as_of=as_of, actor=actor)
    # The reader compiles the mapping now (a constant that does not parse raises MappingError):
    # before the batch is recorded, so a mapping mistake leaves no unfinished import behind.
    reader = ChunkReader(
        path, mapping, batch_size=batch_size, prepare=importer.prepare, in_process=in_process
    )
    with unit_of_work(sessions) as session:
        batch_id = ImportBatchRepository(session).start(
            kind=kind.value, source_file=str(path), mapping=mapping_label
        )
        report.batch_id = importer.batch_id = batch_id
    import_chunk: _ImportChunk = importer.import_chunk

    def sample(line: int, field: str | None, reason: str) -> None:
        report.rejected += 1
        if len(report.rejection_samples) < SAMPLE_REJECTIONS:
            report.rejection_samples.append(f"line {line}, {field or 'row'}: {reason}")

    next_analyze = _FIRST_ANALYZE
    with RejectWriter(path, columns, mapping=mapping) as rejects, reader:
        for chunk in reader:
            report.read += chunk.read
            for rejection in chunk.rejections:
                rejects.write(rejection)
                sample(rejection.line, rejection.field, rejection.reason)
            if chunk.rows:
                if isinstance(importer, InvoiceImporter):
                    _warn_prepayments(chunk.rows, report)
                with unit_of_work(sessions) as chunk_session:
                    problems = import_chunk(chunk_session, chunk.rows, report)
                    book_version.bump(chunk_session)  # each committed chunk changes the book
                    if report.imported >= next_analyze:  # each time the import has written 10x more
                        refresh_statistics(chunk_session, _GROWN_TABLES)
                        next_analyze *= 10
                for problem in problems:
                    rejects.defer(problem.line, problem.field, problem.reason)
                    sample(problem.line, problem.field, problem.reason)
            if on_progress is not None:
                on_progress(report.read)
    report.reject_file = rejects.path
    if snapshot and isinstance(importer, InvoiceImporter):
        if report.rejected:
            report.notes.append(
                f"snapshot: {report.rejected} rows were rejected, so no missing document was closed; "
                "fix the rejected rows and import the file again"
            )
        else:
            with unit_of_work(sessions) as session:
                importer.close_missing(session, report)
                book_version.bump(session)
    _finish(sessions, report, kind=kind, path=path, actor=actor)
    return report


def _warn_prepayments(rows: list[Any], report: ImportReport) -> None:
    """Rows paid before their issue date (deposits, prepayments applied later) load as they are;
    the operator is told, and the predictor takes them as paid on issue. ``rows`` are prepared
    invoices (plain tuples in ``PreparedInvoice`` order, ISO dates, which compare as dates do)."""
    for row in map(PreparedInvoice._make, rows):
        if row.paid_date and row.paid_date < row.issue_date:
            report.warn(
                row.line,
                f"paid {row.paid_date} before its issue date {row.issue_date} (a prepayment): "
                "loaded; predictions take it as paid on issue",
            )


def _importer(
    kind: ImportKind, *, path: Path, as_of: date, actor: str
) -> InvoiceImporter | CustomerImporter | PaymentImporter:
    if kind is ImportKind.INVOICES:
        return InvoiceImporter(as_of=as_of, batch_id=0, actor=actor)
    if kind is ImportKind.CUSTOMERS:
        return CustomerImporter()
    return PaymentImporter(source_file=path)


def _finish(
    sessions: sessionmaker[Session], report: ImportReport, *, kind: ImportKind, path: Path, actor: str
) -> None:
    with unit_of_work(sessions) as session:
        batch = ImportBatchRepository(session).for_update(present(report.batch_id, "the import batch"))
        batch.finished_at = utcnow()
        batch.read, batch.imported, batch.updated = report.read, report.imported, report.updated
        batch.unchanged, batch.rejected = report.unchanged, report.rejected
        batch.reject_file = str(report.reject_file) if report.reject_file else None
        audit.record(
            session,
            actor=actor,
            action=f"import.{kind.value}",
            subject_type="import_batch",
            subject_id=batch.id,
            details={"file": str(path), **report.to_dict()},
        )
