"""A touch's tone, friendly or firm (issue 17): the worklist learns how each tone is answered.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("touches") as batch:
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
    with op.batch_alter_table("touches") as batch:
        batch.drop_constraint(op.f("ck_touches_touchtone"), type_="check")
        batch.drop_column("tone")
