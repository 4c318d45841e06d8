"""Indexes for case search and hardship flags in their own table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_flags",
        sa.Column("flag", sa.String(30), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("worker_cases.case_id"), primary_key=True),
    )
    cases = sa.table("worker_cases", sa.column("case_id", sa.String), sa.column("hardship_flags", sa.JSON))
    flags = sa.table("case_flags", sa.column("flag", sa.String), sa.column("case_id", sa.String))
    connection = op.get_bind()
    rows = [
        {"flag": flag, "case_id": case_id}
        for case_id, case_flags in connection.execute(sa.select(cases.c.case_id, cases.c.hardship_flags))
        for flag in (case_flags or [])
    ]
    if rows:
        connection.execute(flags.insert(), rows)
    op.create_index("ix_worker_cases_community_case", "worker_cases", ["community_code", "case_id"])
    op.create_index("ix_worker_cases_assistant_case", "worker_cases", ["assistant_id", "case_id"])
    op.create_index("ix_worker_cases_layoff_case", "worker_cases", ["layoff_date", "case_id"])
    op.create_index("ix_worker_cases_status_case", "worker_cases", ["status", "case_id"])


def downgrade() -> None:
    for name in (
        "ix_worker_cases_status_case",
        "ix_worker_cases_layoff_case",
        "ix_worker_cases_assistant_case",
        "ix_worker_cases_community_case",
    ):
        op.drop_index(name, "worker_cases")
    op.drop_table("case_flags")
