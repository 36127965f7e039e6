"""The terms catalogue: what each terms code means ("NA32" is "2/10 net 32").

Cash application reads the early-payment discount of an invoice's terms from it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "payment_terms",
        sa.Column("id", ID, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("definition", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_terms")),
        sa.UniqueConstraint("code", name=op.f("uq_payment_terms_code")),
    )


def downgrade() -> None:
    op.drop_table("payment_terms")
