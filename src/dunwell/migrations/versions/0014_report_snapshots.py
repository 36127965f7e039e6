"""The book's version counter and the report snapshots kept until it moves; indexes on the days
the dashboard's default day is read from (the latest issue date and the latest day cash was applied)
and on the customer list's default order (lower(name), id).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = (
    sa.JSON()
    .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    .with_variant(sqlite.JSON(), "sqlite")
)


def upgrade() -> None:
    version = op.create_table(
        "book_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_book_version")),
    )
    op.bulk_insert(version, [{"id": 1, "version": 0}])
    op.create_table(
        "report_snapshots",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("book_version", sa.BigInteger(), nullable=False),
        sa.Column("payload", JSON_DOC, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("compute_seconds", sa.Float(), nullable=False),
        sa.Column("refreshing_since", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("key", name=op.f("uq_report_snapshots_key")),
    )
    op.create_index("ix_invoices_issue_date", "invoices", ["issue_date"])
    op.create_index("ix_allocations_applied_on", "allocations", ["applied_on"])
    op.create_index("ix_customers_lower_name", "customers", [sa.text("lower(name)"), "id"])


def downgrade() -> None:
    op.drop_index("ix_customers_lower_name", table_name="customers")
    op.drop_index("ix_allocations_applied_on", table_name="allocations")
    op.drop_index("ix_invoices_issue_date", table_name="invoices")
    op.drop_table("report_snapshots")
    op.drop_table("book_version")
