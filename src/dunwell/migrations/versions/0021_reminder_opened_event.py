"""Email opens (issue 18, send time): a reminder event may be ``opened``.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07
"""

from __future__ import annotations

import warnings

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BEFORE = (
    "planned", "approved", "edited", "rejected", "deferred", "blocked", "sending", "sent", "retry",
    "failed", "unconfirmed", "cancelled",
)  # fmt: skip
AFTER = (*BEFORE, "opened")


def _kinds(values: tuple[str, ...]) -> None:
    """Widen (or narrow) the events' kind check; the longest value, and so the column, is unchanged."""
    # Reflecting reminder_events reflects customers through reminders (foreign keys), whose
    # expression index SQLAlchemy cannot reflect and warns about; the batch does not need it.
    with warnings.catch_warnings(), op.batch_alter_table("reminder_events") as batch:
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        batch.drop_constraint(op.f("ck_reminder_events_remindereventkind"), type_="check")
        batch.create_check_constraint(
            "remindereventkind", "kind IN (" + ", ".join(f"'{v}'" for v in values) + ")"
        )


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM reminder_events WHERE kind = 'opened'")
    _kinds(BEFORE)
