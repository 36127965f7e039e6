"""The dunning outbox (issue 18): reminders with their idempotency keys, the items they list, what
happened to them and each day's skips; a customer's ledger (which contact rules bind it), the
strategic flag and an assigned policy; a contact's last undeliverable email.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUSES = (
    "awaiting_approval",
    "queued",
    "sending",
    "sent",
    "unconfirmed",
    "failed",
    "blocked",
    "rejected",
    "cancelled",
)
EVENTS = (
    "planned",
    "approved",
    "edited",
    "rejected",
    "deferred",
    "blocked",
    "sending",
    "sent",
    "retry",
    "failed",
    "unconfirmed",
    "cancelled",
)
LEDGERS = ("commercial", "consumer")
HOLDS_BEFORE = ("dispute", "promise", "manual", "legal", "bankruptcy")
HOLDS = (*HOLDS_BEFORE, "cease", "attorney")


def _hold_reasons(values: tuple[str, ...]) -> None:
    """Widen (or narrow) the holds' reason check: a written cease request and legal representation
    are holds the compliance guard reads. The longest value is unchanged, so is the column."""
    with _batch("holds") as batch:
        batch.drop_constraint(op.f("ck_holds_holdreason"), type_="check")
        batch.create_check_constraint("holdreason", "reason IN (" + ", ".join(f"'{v}'" for v in values) + ")")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def _restore_name_index() -> None:
    """SQLite's batch mode rebuilds ``customers`` from what it can reflect, which leaves out the
    expression index of 0014 (the customer list's order): put it back."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_customers_lower_name ON customers (lower(name), id)")


@contextmanager
def _batch(table: str) -> Iterator[BatchOperations]:
    """A table in batch mode; on SQLite the batch reflects customers, whose expression index
    SQLAlchemy cannot reflect and warns about (the batch does not need it)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table(table) as batch:
            yield batch


def upgrade() -> None:
    _hold_reasons(HOLDS)
    with _batch("customers") as batch:
        batch.add_column(
            sa.Column("ledger", _enum("ledger", LEDGERS), server_default="commercial", nullable=False)
        )
        batch.add_column(sa.Column("strategic", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("dunning_policy", sa.String(length=80), nullable=True))
    _restore_name_index()
    with _batch("contacts") as batch:
        batch.add_column(sa.Column("email_undeliverable_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("delivery_error", sa.Text(), nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("policy", sa.String(length=80), nullable=False),
        sa.Column("step", sa.String(length=80), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("tone", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("send_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _enum("reminderstatus", STATUSES), nullable=False),
        sa.Column("needs_approval", sa.Boolean(), nullable=False),
        sa.Column(
            "reasons", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "document", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_ref", sa.String(length=300), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_reminders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_reminders_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("key", name=op.f("uq_reminders_key")),
    )
    with op.batch_alter_table("reminders") as batch:
        batch.create_index(batch.f("ix_reminders_customer_id"), ["customer_id"], unique=False)
        batch.create_index(batch.f("ix_reminders_planned_on"), ["planned_on"], unique=False)
        batch.create_index(batch.f("ix_reminders_send_after"), ["send_after"], unique=False)
        batch.create_index(batch.f("ix_reminders_status"), ["status"], unique=False)
    op.create_table(
        "reminder_items",
        sa.Column("reminder_id", ID, nullable=False),
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("open_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name=op.f("fk_reminder_items_reminder_id_reminders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_reminder_items_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("reminder_id", "invoice_id", name=op.f("pk_reminder_items")),
    )
    with op.batch_alter_table("reminder_items") as batch:
        batch.create_index(batch.f("ix_reminder_items_invoice_id"), ["invoice_id"], unique=False)
    op.create_table(
        "reminder_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("reminder_id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", _enum("remindereventkind", EVENTS), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reminder_id"],
            ["reminders.id"],
            name=op.f("fk_reminder_events_reminder_id_reminders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_events")),
    )
    with op.batch_alter_table("reminder_events") as batch:
        batch.create_index(batch.f("ix_reminder_events_reminder_id"), ["reminder_id"], unique=False)
    op.create_table(
        "reminder_skips",
        sa.Column("id", ID, nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("invoice_id", ID, nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_reminder_skips_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_reminder_skips_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_skips")),
    )
    with op.batch_alter_table("reminder_skips") as batch:
        batch.create_index(batch.f("ix_reminder_skips_customer_id"), ["customer_id"], unique=False)
        batch.create_index(batch.f("ix_reminder_skips_planned_on"), ["planned_on"], unique=False)


def downgrade() -> None:
    op.drop_table("reminder_skips")
    op.drop_table("reminder_events")
    op.drop_table("reminder_items")
    op.drop_table("reminders")
    with _batch("contacts") as batch:
        batch.drop_column("delivery_error")
        batch.drop_column("email_undeliverable_at")
    with _batch("customers") as batch:
        batch.drop_constraint(op.f("ck_customers_ledger"), type_="check")
        batch.drop_column("dunning_policy")
        batch.drop_column("strategic")
        batch.drop_column("ledger")
    _restore_name_index()
    _hold_reasons(HOLDS_BEFORE)
