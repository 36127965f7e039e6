"""Cash application learns per company: its own confidence models, and what payers state per item.

``cash_confidence_models`` holds the confidence models a deployment fitted on its own
confirmations and rejections (JSON, never code), the newest active one in use. Statement entries
keep the per-item amounts a remittance states (X12 820 RMR lines, lockbox stubs) and the bank's
text as sent, so the database run reads what the file-only run reads.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = (
    sa.JSON()
    .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    .with_variant(sqlite.JSON(), "sqlite")
)


def upgrade() -> None:
    op.create_table(
        "cash_confidence_models",
        sa.Column("id", ID, nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fitted_by", sa.String(length=120), nullable=False),
        sa.Column("model", JSON_DOC, nullable=False),
        sa.Column("outcomes", sa.Integer(), nullable=False),
        sa.Column("wrong", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_confidence_models")),
    )
    with op.batch_alter_table("statement_entries") as batch:
        batch.add_column(sa.Column("remittance_items", JSON_DOC, nullable=True))
        batch.add_column(sa.Column("bank_text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("statement_entries") as batch:
        batch.drop_column("bank_text")
        batch.drop_column("remittance_items")
    op.drop_table("cash_confidence_models")
