"""Guidance sessions and revisions of the individual re-employment plan.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidance_sessions",
        sa.Column("session_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("worker_cases.case_id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("held_on", sa.Date, nullable=False),
        sa.Column(
            "assistant_id", sa.String(36), sa.ForeignKey("labour_assistants.assistant_id"), nullable=False
        ),
        sa.Column("attendees", sa.JSON, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("next_steps", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_guidance_sessions_case_id", "guidance_sessions", ["case_id"])
    op.create_table(
        "plan_revisions",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("worker_cases.case_id"), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("track", sa.String(30), nullable=False),
        sa.Column("goals", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("approved_by", sa.String(50)),
    )


def downgrade() -> None:
    op.drop_table("plan_revisions")
    op.drop_table("guidance_sessions")
