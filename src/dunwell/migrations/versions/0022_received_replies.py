"""Customers' replies (issue 20, the inbox): each message once (by its Message-ID), the customer,
reminder and contact it was tied to and how, what the reader made of it, and the suggestion's state.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = (
    sa.JSON()
    .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    .with_variant(sqlite.JSON(), "sqlite")
)
LINKS = ("in_reply_to", "sender", "invoice_ref", "by_hand", "none")
INTENTS = (
    "promise_to_pay", "dispute", "already_paid", "invoice_copy_request", "out_of_office",
    "wrong_contact", "unsubscribe", "question", "other",
)  # fmt: skip
CATEGORIES = ("pricing", "quantity", "quality", "duplicate", "not_received", "missing_po", "other")
STATES = ("suggested", "accepted", "rejected", "applied_at_once")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def upgrade() -> None:
    op.create_table(
        "received_replies",
        sa.Column("id", ID, nullable=False),
        sa.Column("message_id", sa.String(length=300), nullable=False),
        sa.Column("in_reply_to", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=True),
        sa.Column("fresh_text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("reminder_id", ID, nullable=True),
        sa.Column("contact_id", ID, nullable=True),
        sa.Column("linked_by", _enum("linkedby", LINKS), nullable=False),
        sa.Column("intent", _enum("intent", INTENTS), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("promise_date", sa.Date(), nullable=True),
        sa.Column("promise_amount_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("dispute_category", _enum("disputecategory", CATEGORIES), nullable=True),
        sa.Column("invoice_refs", JSON_DOC, nullable=False),
        sa.Column("return_date", sa.Date(), nullable=True),
        sa.Column("new_contact", sa.String(length=320), nullable=True),
        sa.Column("state", _enum("replystate", STATES), nullable=False),
        sa.Column("attention", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("outcome", JSON_DOC, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_received_replies_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminders.id"], name=op.f("fk_received_replies_reminder_id_reminders")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_received_replies_contact_id_contacts"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_replies")),
        sa.UniqueConstraint("message_id", name=op.f("uq_received_replies_message_id")),
    )
    with op.batch_alter_table("received_replies") as batch:
        batch.create_index(batch.f("ix_received_replies_customer_id"), ["customer_id"], unique=False)
        batch.create_index(batch.f("ix_received_replies_state"), ["state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("received_replies") as batch:
        batch.drop_index(batch.f("ix_received_replies_state"))
        batch.drop_index(batch.f("ix_received_replies_customer_id"))
    op.drop_table("received_replies")
