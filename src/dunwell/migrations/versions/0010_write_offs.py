"""Settlements without cash: short pays, discounts and bad debt, proposed, posted or reversed.

One row per request (ADR 0018); the posted amount is an allocation of kind ``deduction`` or
``write_off``, so the aging and the metrics see it as of its date.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
KINDS = ("payment", "credit", "write_off", "deduction", "adjustment")
REASONS = (
    "bank_fee",
    "early_payment_discount",
    "unearned_discount",
    "freight",
    "pricing",
    "damaged_goods",
    "other",
    "bad_debt",
)
STATUSES = ("proposed", "posted", "rejected", "reversed")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values))
    )


def upgrade() -> None:
    op.create_table(
        "write_offs",
        sa.Column("id", ID, nullable=False),
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("payment_id", ID, nullable=True),
        sa.Column("kind", _enum("settlementkind", KINDS), nullable=False),
        sa.Column("reason", _enum("settlereason", REASONS), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("status", _enum("writeoffstatus", STATUSES), nullable=False),
        sa.Column("policy_verdict", sa.String(length=500), nullable=False),
        sa.Column("dispute_candidate", sa.Boolean(), nullable=False),
        sa.Column("proposed_by", sa.String(length=120), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("allocation_id", ID, nullable=True),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_write_offs_amount_positive")),
        sa.ForeignKeyConstraint(
            ["allocation_id"], ["allocations.id"], name=op.f("fk_write_offs_allocation_id_allocations")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_write_offs_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_write_offs_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_offs")),
    )
    with op.batch_alter_table("write_offs") as batch:
        batch.create_index(batch.f("ix_write_offs_invoice_id"), ["invoice_id"], unique=False)
        batch.create_index(batch.f("ix_write_offs_payment_id"), ["payment_id"], unique=False)
        batch.create_index(batch.f("ix_write_offs_status"), ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("write_offs")
