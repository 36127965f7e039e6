"""Accepted payment plans (issue 18): a plan, and its instalments as promises to pay that point to
it with the cumulative amount due by each instalment's day.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUSES = ("active", "completed", "broken", "cancelled")


def upgrade() -> None:
    op.create_table(
        "payment_plans",
        sa.Column("id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("reminder_id", ID, nullable=True),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="paymentplanstatus", native_enum=False, create_constraint=True, length=9),
            nullable=False,
        ),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payment_plans_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["reminder_id"], ["reminders.id"], name=op.f("fk_payment_plans_reminder_id_reminders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_plans")),
    )
    with op.batch_alter_table("payment_plans") as batch:
        batch.create_index(batch.f("ix_payment_plans_customer_id"), ["customer_id"], unique=False)
    # Reflecting promises_to_pay reflects customers (a foreign key), whose expression index
    # SQLAlchemy cannot reflect and warns about; the batch does not need it.
    with warnings.catch_warnings(), op.batch_alter_table("promises_to_pay") as batch:
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        batch.add_column(sa.Column("plan_id", ID, nullable=True))
        batch.add_column(sa.Column("plan_cumulative_minor", sa.BigInteger(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_promises_to_pay_plan_id_payment_plans"), "payment_plans", ["plan_id"], ["id"]
        )
        batch.create_index(batch.f("ix_promises_to_pay_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with warnings.catch_warnings(), op.batch_alter_table("promises_to_pay") as batch:
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        batch.drop_index(batch.f("ix_promises_to_pay_plan_id"))
        batch.drop_constraint(batch.f("fk_promises_to_pay_plan_id_payment_plans"), type_="foreignkey")
        batch.drop_column("plan_cumulative_minor")
        batch.drop_column("plan_id")
    with op.batch_alter_table("payment_plans") as batch:
        batch.drop_index(batch.f("ix_payment_plans_customer_id"))
    op.drop_table("payment_plans")
