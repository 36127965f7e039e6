"""The model registry: trained payment predictors, scoring runs and the predictions they made.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prediction_models",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("known_until", sa.Date(), nullable=False),
        sa.Column("training_invoices", sa.Integer(), nullable=False),
        sa.Column(
            "feature_schema",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "params",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "metrics",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "reference_profile",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "software",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.Column("artifact", sa.LargeBinary(), nullable=False),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prediction_models")),
        sa.UniqueConstraint("version", name=op.f("uq_prediction_models_version")),
    )
    op.create_table(
        "scoring_runs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column(
            "profile",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["model_id"], ["prediction_models.id"], name=op.f("fk_scoring_runs_model_id_prediction_models")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_runs")),
        sa.UniqueConstraint("model_id", "as_of", name=op.f("uq_scoring_runs_model_id_as_of")),
    )
    op.create_table(
        "invoice_predictions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("invoice_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("p10_date", sa.Date(), nullable=False),
        sa.Column("p50_date", sa.Date(), nullable=False),
        sa.Column("p90_date", sa.Date(), nullable=False),
        sa.Column("risk_late", sa.Float(), nullable=False),
        sa.Column("risk_late30", sa.Float(), nullable=False),
        sa.Column("risk_late60", sa.Float(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
            .with_variant(sqlite.JSON(), "sqlite"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_invoice_predictions_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["prediction_models.id"],
            name=op.f("fk_invoice_predictions_model_id_prediction_models"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["scoring_runs.id"],
            name=op.f("fk_invoice_predictions_run_id_scoring_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_predictions")),
        sa.UniqueConstraint("invoice_id", "run_id", name=op.f("uq_invoice_predictions_invoice_id_run_id")),
    )
    with op.batch_alter_table("invoice_predictions", schema=None) as batch_op:
        batch_op.create_index("ix_invoice_predictions_invoice_as_of", ["invoice_id", "as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_invoice_predictions_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoice_predictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_predictions_run_id"))
        batch_op.drop_index("ix_invoice_predictions_invoice_as_of")

    op.drop_table("invoice_predictions")
    op.drop_table("scoring_runs")
    op.drop_table("prediction_models")
