"""Index allocations by payment and by credit memo only where they have one.

Most allocations are settlements implied by imported history (no payment, no credit memo); full
indexes on those columns held one NULL entry per such row and cost two index writes per row in a
million-row import.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = ("payment_id", "credit_memo_id")


def upgrade() -> None:
    for column in _COLUMNS:
        name = f"ix_allocations_{column}"
        condition = sa.text(f"{column} IS NOT NULL")
        op.drop_index(name, table_name="allocations")
        op.create_index(name, "allocations", [column], sqlite_where=condition, postgresql_where=condition)


def downgrade() -> None:
    for column in _COLUMNS:
        name = f"ix_allocations_{column}"
        op.drop_index(name, table_name="allocations")
        op.create_index(name, "allocations", [column])
