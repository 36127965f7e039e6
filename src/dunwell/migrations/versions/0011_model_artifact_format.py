"""Models stored as data: the registry records each artifact's format.

Models trained before this revision were pickled; they keep the format ``pickle`` and are refused
on load (retrain): reading a pickle can run code. New models are a gzipped JSON document
(``dunwell-model-json-gzip/1``, ADR 0020).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prediction_models") as batch:
        batch.add_column(
            sa.Column("artifact_format", sa.String(length=40), nullable=False, server_default="pickle")
        )
    with op.batch_alter_table("prediction_models") as batch:
        batch.alter_column("artifact_format", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("prediction_models") as batch:
        batch.drop_column("artifact_format")
