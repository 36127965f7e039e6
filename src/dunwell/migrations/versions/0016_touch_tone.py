"""A touch's tone, friendly or firm (issue 17): the worklist learns how each tone is answered.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


@contextmanager
def _touches() -> Iterator[BatchOperations]:
    """The touches table in batch mode. On SQLite the batch reflects the tables touches refers to,
    and SQLAlchemy warns that it cannot reflect customers' expression index (ix_customers_lower_name),
    which the batch does not need: the warning would only reach the person running the upgrade."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        with op.batch_alter_table("touches") as batch:
            yield batch


def upgrade() -> None:
    with _touches() as batch:
        batch.add_column(
            sa.Column(
                "tone",
                sa.Enum(
                    "friendly", "firm", name="touchtone", native_enum=False, create_constraint=True, length=8
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with _touches() as batch:
        batch.drop_constraint(op.f("ck_touches_touchtone"), type_="check")
        batch.drop_column("tone")
