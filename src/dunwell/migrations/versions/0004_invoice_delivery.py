"""Invoices record how they reached the customer (paper, email, portal, edi).

E-invoicing moves payment times (in the IBM sample, electronic invoices are paid 7 days sooner
than paper ones), so the payment predictor reads it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.add_column(sa.Column("delivery", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch_op:
        batch_op.drop_column("delivery")
