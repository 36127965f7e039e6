"""Customers name the group company that may pay for them (``parent_external_id``).

Cash application looks for a payment from a group company among its subsidiaries' open items.
The parent is kept by its customer id as the ERP gives it, so the order of import does not matter.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("parent_external_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("parent_external_id")
