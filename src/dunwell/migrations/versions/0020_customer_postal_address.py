"""A customer's postal address (the lines a letter shows): letters go only where there is one.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _restore_name_index() -> None:
    """SQLite's batch mode rebuilds ``customers`` without the expression index of 0014: put it back."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE INDEX IF NOT EXISTS ix_customers_lower_name ON customers (lower(name), id)")


def upgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("customers") as batch:
            batch.add_column(sa.Column("postal_address", sa.Text(), nullable=True))
    _restore_name_index()


def downgrade() -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("customers") as batch:
            batch.drop_column("postal_address")
    _restore_name_index()
