"""The journey stage of each case, kept from the journey's events for search.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worker_cases") as table:
        table.add_column(sa.Column("journey_stage", sa.String(20)))
        table.add_column(sa.Column("journey_stage_since", sa.DateTime(timezone=True)))
        table.add_column(sa.Column("journey_stage_sequence", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_worker_cases_journey_stage_case", "worker_cases", ["journey_stage", "case_id"])


def downgrade() -> None:
    op.drop_index("ix_worker_cases_journey_stage_case", "worker_cases")
    with op.batch_alter_table("worker_cases") as table:
        table.drop_column("journey_stage_sequence")
        table.drop_column("journey_stage_since")
        table.drop_column("journey_stage")
