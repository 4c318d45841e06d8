"""Enterprise restructuring plans with the worker-congress vote, bulk intakes, plan and contract on cases.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restructuring_plans",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("enterprise_name", sa.String(200), nullable=False),
        sa.Column("enterprise_code", sa.String(18), nullable=False),
        sa.Column("affected_workers", sa.Integer, nullable=False),
        sa.Column("measures", sa.JSON, nullable=False),
        sa.Column("congress_members", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("vote", sa.JSON),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_restructuring_plans_enterprise_code", "restructuring_plans", ["enterprise_code"])
    op.create_table(
        "bulk_intakes",
        sa.Column("batch_id", sa.String(64), primary_key=True),
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("restructuring_plans.plan_id"), nullable=False),
        sa.Column("case_ids", sa.JSON, nullable=False),
        sa.Column("taken_in_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_bulk_intakes_plan_id", "bulk_intakes", ["plan_id"])
    with op.batch_alter_table("worker_cases") as table:
        table.add_column(sa.Column("restructuring_plan_id", sa.String(36)))
        table.add_column(sa.Column("labour_contract_transfer", sa.JSON))
    op.create_index("ix_worker_cases_restructuring_plan_id", "worker_cases", ["restructuring_plan_id"])


def downgrade() -> None:
    op.drop_index("ix_worker_cases_restructuring_plan_id", "worker_cases")
    with op.batch_alter_table("worker_cases") as table:
        table.drop_column("labour_contract_transfer")
        table.drop_column("restructuring_plan_id")
    op.drop_table("bulk_intakes")
    op.drop_table("restructuring_plans")
