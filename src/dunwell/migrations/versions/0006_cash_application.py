"""Cash application: bank accounts, imported statements, matching runs and results, payer aliases
and rejected matches (ADR 0014).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql, sqlite

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = (
    sa.JSON()
    .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    .with_variant(sqlite.JSON(), "sqlite")
)
NOT_NULL_STATEMENT_ID = sa.text("statement_id IS NOT NULL")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def upgrade() -> None:
    op.create_table(
        "cash_match_runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("counts", JSON_DOC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_match_runs")),
    )
    op.create_table(
        "bank_accounts",
        sa.Column("id", ID, nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("entity_id", ID, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"], ["legal_entities.id"], name=op.f("fk_bank_accounts_entity_id_legal_entities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_accounts")),
        sa.UniqueConstraint("account", name=op.f("uq_bank_accounts_account")),
    )
    with op.batch_alter_table("bank_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_accounts_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "bank_statements",
        sa.Column("id", ID, nullable=False),
        sa.Column("bank_account_id", ID, nullable=False),
        sa.Column("statement_id", sa.String(length=120), nullable=True),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("opening_minor", sa.BigInteger(), nullable=True),
        sa.Column("closing_minor", sa.BigInteger(), nullable=True),
        sa.Column("transactions", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_account_id"],
            ["bank_accounts.id"],
            name=op.f("fk_bank_statements_bank_account_id_bank_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
    )
    with op.batch_alter_table("bank_statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_statements_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(
            "ux_bank_statements_account_statement",
            ["bank_account_id", "statement_id"],
            unique=True,
            sqlite_where=NOT_NULL_STATEMENT_ID,
            postgresql_where=NOT_NULL_STATEMENT_ID,
        )

    op.create_table(
        "payer_aliases",
        sa.Column("id", ID, nullable=False),
        sa.Column("customer_id", ID, nullable=False),
        sa.Column("kind", _enum("aliaskind", "name", "account"), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("display", sa.String(length=300), nullable=False),
        sa.Column("source", _enum("aliassource", "confirmed", "imported"), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_payer_aliases_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payer_aliases")),
        sa.UniqueConstraint(
            "kind", "value", "customer_id", name=op.f("uq_payer_aliases_kind_value_customer_id")
        ),
    )
    with op.batch_alter_table("payer_aliases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payer_aliases_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "cash_matches",
        sa.Column("id", ID, nullable=False),
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("status", _enum("matchstatus", "auto", "suggested", "unmatched"), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("customer_id", ID, nullable=True),
        sa.Column("candidates", JSON_DOC, nullable=False),
        sa.Column("write_off_minor", sa.BigInteger(), nullable=False),
        sa.Column("write_off_reason", sa.String(length=200), nullable=True),
        sa.Column("allocation_ids", JSON_DOC, nullable=False),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", _enum("matchdecision", "confirmed", "rejected"), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_candidate", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_cash_matches_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_cash_matches_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["cash_match_runs.id"], name=op.f("fk_cash_matches_run_id_cash_match_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_matches")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_cash_matches_payment_id")),
    )
    with op.batch_alter_table("cash_matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cash_matches_customer_id"), ["customer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cash_matches_run_id"), ["run_id"], unique=False)

    op.create_table(
        "rejected_matches",
        sa.Column("id", ID, nullable=False),
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("invoice_id", ID, nullable=False),
        sa.Column("rejected_by", sa.String(length=120), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_rejected_matches_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_rejected_matches_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_matches")),
        sa.UniqueConstraint(
            "payment_id", "invoice_id", name=op.f("uq_rejected_matches_payment_id_invoice_id")
        ),
    )
    op.create_table(
        "statement_entries",
        sa.Column("id", ID, nullable=False),
        sa.Column("statement_id", ID, nullable=False),
        sa.Column("payment_id", ID, nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("structured_reference", sa.String(length=64), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=120), nullable=True),
        sa.Column("bank_code", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_statement_entries_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statements.id"],
            name=op.f("fk_statement_entries_statement_id_bank_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_entries")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_statement_entries_payment_id")),
    )
    with op.batch_alter_table("statement_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_entries_statement_id"), ["statement_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statement_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_entries_statement_id"))
    op.drop_table("statement_entries")
    op.drop_table("rejected_matches")
    with op.batch_alter_table("cash_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cash_matches_run_id"))
        batch_op.drop_index(batch_op.f("ix_cash_matches_customer_id"))
    op.drop_table("cash_matches")
    with op.batch_alter_table("payer_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payer_aliases_customer_id"))
    op.drop_table("payer_aliases")
    with op.batch_alter_table("bank_statements", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_bank_statements_account_statement",
            sqlite_where=NOT_NULL_STATEMENT_ID,
            postgresql_where=NOT_NULL_STATEMENT_ID,
        )
        batch_op.drop_index(batch_op.f("ix_bank_statements_file_sha256"))
    op.drop_table("bank_statements")
    with op.batch_alter_table("bank_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_accounts_entity_id"))
    op.drop_table("bank_accounts")
    op.drop_table("cash_match_runs")
