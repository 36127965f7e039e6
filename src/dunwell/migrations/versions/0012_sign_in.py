"""Sign-in and roles: passwords on users, a viewer role, web sessions, API tokens, failed
sign-ins for throttling, and portfolio grants (ADR 0021).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIME = sa.DateTime(timezone=True)


def _roles(*roles: str) -> str:
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=False, server_default="en_US"))
        batch.drop_constraint(op.f("ck_users_userrole"), type_="check")
        batch.create_check_constraint("userrole", _roles("collector", "manager", "admin", "viewer"))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("locale", server_default=None)
    op.create_table(
        "web_sessions",
        sa.Column("id", ID, nullable=False),
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("ended_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("session_hash", name=op.f("uq_web_sessions_session_hash")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("expires_at", TIME, nullable=True),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.Column("last_used_at", TIME, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_api_tokens_user_id_name")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "login_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("login", sa.String(length=120), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index("ix_login_attempts_login_at", "login_attempts", ["login", "at"], unique=False)
    op.create_table(
        "portfolio_grants",
        sa.Column("id", ID, nullable=False),
        sa.Column("grantee_id", ID, nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("granted_by", sa.String(length=120), nullable=False),
        sa.Column("granted_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["grantee_id"], ["users.id"], name=op.f("fk_portfolio_grants_grantee_id_users")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_portfolio_grants_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_grants")),
        sa.UniqueConstraint("grantee_id", "owner_id", name=op.f("uq_portfolio_grants_grantee_id_owner_id")),
    )
    op.create_index(op.f("ix_portfolio_grants_grantee_id"), "portfolio_grants", ["grantee_id"], unique=False)


def downgrade() -> None:
    op.drop_table("portfolio_grants")
    op.drop_table("login_attempts")
    op.drop_table("api_tokens")
    op.drop_table("web_sessions")
    op.execute("DELETE FROM users WHERE role = 'viewer'")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("ck_users_userrole"), type_="check")
        batch.create_check_constraint("userrole", _roles("collector", "manager", "admin"))
        batch.drop_column("locale")
        batch.drop_column("password_hash")
