"""Congress vote deadlines and reminders; rosters lodged with a restructuring plan.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("restructuring_plans") as table:
        table.add_column(sa.Column("congress_vote_deadline", sa.Date))
    op.create_table(
        "plan_rosters",
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("restructuring_plans.plan_id"), primary_key=True),
        sa.Column("batch_id", sa.String(64), nullable=False),
        sa.Column("workers", sa.Integer, nullable=False),
        sa.Column("rows_encrypted", sa.Text, nullable=False),
        sa.Column("lodged_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "congress_vote_reminders",
        sa.Column("reminder_key", sa.String(100), primary_key=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("restructuring_plans.plan_id"), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("days_left", sa.Integer, nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_congress_vote_reminders_plan_id", "congress_vote_reminders", ["plan_id"])


def downgrade() -> None:
    op.drop_table("congress_vote_reminders")
    op.drop_table("plan_rosters")
    with op.batch_alter_table("restructuring_plans") as table:
        table.drop_column("congress_vote_deadline")
