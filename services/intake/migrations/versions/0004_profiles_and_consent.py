"""Versioned skills profiles and consent per agency.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "skills_profile_versions",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("worker_cases.case_id"), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("consent_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("worker_cases.case_id"), nullable=False),
        sa.Column("agency", sa.String(30), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_consents_case_id", "consents", ["case_id"])


def downgrade() -> None:
    op.drop_table("consents")
    op.drop_table("skills_profile_versions")
