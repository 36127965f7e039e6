"""Customers and collections records: contacts' source id, role mailbox and language, consent
provenance, dispute resolution, promises and disputes over several invoices, touches' source id,
meetings as a touch channel (touches get their own channel set: nobody consents to meetings), and
the touch outcomes and promise statuses the app records.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
CHANNELS_BEFORE = ("email", "sms", "letter", "call")
CHANNELS = (*CHANNELS_BEFORE, "meeting")
OUTCOMES_BEFORE = (
    "sent",
    "delivered",
    "bounced",
    "no_answer",
    "left_message",
    "conversation",
    "promise",
    "dispute",
    "refused",
)
OUTCOMES = (*OUTCOMES_BEFORE, "reached", "voicemail", "wrong_number", "paid")
PROMISES_BEFORE = ("open", "kept", "broken", "cancelled")
PROMISES = ("open", "kept", "partly_kept", "broken", "cancelled")


def _values(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _enum(
    table: str, column: str, names: tuple[str, str], old: tuple[str, ...], new: tuple[str, ...]
) -> None:
    """Widen (or narrow) a VARCHAR + CHECK enum column: its values, its length, its constraint's name."""
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{names[0]}"), type_="check")
        batch.alter_column(
            column,
            type_=sa.String(length=max(len(v) for v in new)),
            existing_type=sa.String(length=max(len(v) for v in old)),
            existing_nullable=False,
        )
        batch.create_check_constraint(names[1], _values(column, new))


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("is_role_mailbox", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_contacts_customer_id_external_id"), ["customer_id", "external_id"]
        )
    with op.batch_alter_table("contact_channel_consents") as batch:
        batch.add_column(sa.Column("given_by", sa.String(length=200), nullable=True))
    with op.batch_alter_table("disputes") as batch:
        batch.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(length=120), nullable=True))
    with op.batch_alter_table("touches") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_touches_customer_id_external_id"), ["customer_id", "external_id"]
        )
    _enum("touches", "channel", ("channel", "touchchannel"), CHANNELS_BEFORE, CHANNELS)
    _enum("touches", "outcome", ("touchoutcome", "touchoutcome"), OUTCOMES_BEFORE, OUTCOMES)
    _enum("promises_to_pay", "status", ("promisestatus", "promisestatus"), PROMISES_BEFORE, PROMISES)
    for table, parent, parent_table in (
        ("dispute_invoices", "dispute_id", "disputes"),
        ("promise_invoices", "promise_id", "promises_to_pay"),
    ):
        op.create_table(
            table,
            sa.Column(parent, ID, nullable=False),
            sa.Column("invoice_id", ID, nullable=False),
            sa.ForeignKeyConstraint(
                [parent],
                [f"{parent_table}.id"],
                name=op.f(f"fk_{table}_{parent}_{parent_table}"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["invoice_id"], ["invoices.id"], name=op.f(f"fk_{table}_invoice_id_invoices")
            ),
            sa.PrimaryKeyConstraint(parent, "invoice_id", name=op.f(f"pk_{table}")),
        )


def downgrade() -> None:
    op.drop_table("promise_invoices")
    op.drop_table("dispute_invoices")
    _enum("promises_to_pay", "status", ("promisestatus", "promisestatus"), PROMISES, PROMISES_BEFORE)
    _enum("touches", "outcome", ("touchoutcome", "touchoutcome"), OUTCOMES, OUTCOMES_BEFORE)
    _enum("touches", "channel", ("touchchannel", "channel"), CHANNELS, CHANNELS_BEFORE)
    with op.batch_alter_table("touches") as batch:
        batch.drop_constraint(op.f("uq_touches_customer_id_external_id"), type_="unique")
        batch.drop_column("external_id")
    with op.batch_alter_table("disputes") as batch:
        batch.drop_column("resolved_by")
        batch.drop_column("resolution")
    with op.batch_alter_table("contact_channel_consents") as batch:
        batch.drop_column("given_by")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_constraint(op.f("uq_contacts_customer_id_external_id"), type_="unique")
        batch.drop_column("language")
        batch.drop_column("is_role_mailbox")
        batch.drop_column("external_id")
