"""The audit log becomes a hash chain (issue 18): each entry carries the hash of the one before it.

Existing entries are chained in id order (the order they were written in). The append-only
triggers refuse the UPDATE that fills the new columns, so they are dropped around it and created
again as 0002 made them; on SQLite the table is also rebuilt to make the columns NOT NULL, and a
rebuilt table has lost its triggers anyway.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations
from sqlalchemy.dialects import postgresql

# The hash is the application's own definition (not a frozen copy): a backfilled entry must verify
# exactly as a new one does, and a future change to the hash needs its own re-hashing migration.
from dunwell.orm.audit import GENESIS_HASH, entry_hash

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: Entries read and updated per round trip: bounded memory on a log of any length.
_BATCH = 5000

_SQLITE_GUARDS = [
    f"""CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"""
    for verb in ("UPDATE", "DELETE")
]
#: PostgreSQL: 0002's trigger function stays; only the trigger is dropped and created again.
_POSTGRES_GUARD = """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"""

_log = sa.table(
    "audit_log",
    sa.column("id", sa.BigInteger()),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("subject_type", sa.String()),
    sa.column("subject_id", sa.String()),
    sa.column("details", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("entry_hash", sa.String()),
)


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")


def _create_guards() -> None:
    """The audit log is evidence: the database itself refuses to change or delete an entry."""
    for statement in _SQLITE_GUARDS if op.get_bind().dialect.name == "sqlite" else [_POSTGRES_GUARD]:
        op.execute(statement)


@contextmanager
def _audit_log() -> Iterator[BatchOperations]:
    # audit_log refers to no other table, so SQLite's batch reflects no expression index (see 0016).
    with op.batch_alter_table("audit_log") as batch:
        yield batch


def _chain_existing_entries() -> None:
    """Number and hash every entry in id order, a batch at a time (keyset on id, never all rows)."""
    connection = op.get_bind()
    read = sa.select(
        _log.c.id,
        _log.c.occurred_at,
        _log.c.actor,
        _log.c.action,
        _log.c.subject_type,
        _log.c.subject_id,
        # As text: the hash parses it once (see dunwell.orm.audit.entry_hash).
        sa.cast(_log.c.details, sa.Text()).label("details_json"),
    ).order_by(_log.c.id)
    write = (
        sa.update(_log)
        .where(_log.c.id == sa.bindparam("row_id"))
        .values(
            seq=sa.bindparam("new_seq"),
            prev_hash=sa.bindparam("new_prev"),
            entry_hash=sa.bindparam("new_hash"),
        )
    )
    last_id, seq, prev_hash = None, 0, GENESIS_HASH
    while True:
        page = read if last_id is None else read.where(_log.c.id > last_id)
        rows = connection.execute(page.limit(_BATCH)).all()
        if not rows:
            return
        updates = []
        for row in rows:
            seq += 1
            digest = entry_hash(
                seq=seq,
                occurred_at=row.occurred_at,
                actor=row.actor,
                action=row.action,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                details_json=row.details_json,
                prev_hash=prev_hash,
            )
            updates.append({"row_id": row.id, "new_seq": seq, "new_prev": prev_hash, "new_hash": digest})
            prev_hash = digest
        connection.execute(write, updates)
        last_id = rows[-1].id


def upgrade() -> None:
    _drop_guards()
    with _audit_log() as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with _audit_log() as batch:
        batch.alter_column("seq", existing_type=sa.BigInteger(), nullable=False)
        batch.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
        # Unique: two appends that both read the same head cannot both land (and the chain's walk
        # and its head read use this index).
        batch.create_unique_constraint(op.f("uq_audit_log_seq"), ["seq"])
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with _audit_log() as batch:
        batch.drop_constraint(op.f("uq_audit_log_seq"), type_="unique")
        batch.drop_column("entry_hash")
        batch.drop_column("prev_hash")
        batch.drop_column("seq")
    _create_guards()
