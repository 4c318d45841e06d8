"""Resident identity (encrypted, keyed hash, masked), hardship flags, one open case per person.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("worker_cases") as table:
        table.add_column(sa.Column("resident_id_encrypted", sa.Text))
        table.add_column(sa.Column("resident_id_hash", sa.String(64)))
        table.add_column(sa.Column("resident_id_masked", sa.String(18)))
        table.add_column(sa.Column("birth_date", sa.Date))
        table.add_column(sa.Column("sex", sa.String(6)))
        table.add_column(sa.Column("hardship_flags", sa.JSON, nullable=False, server_default="[]"))
        table.add_column(sa.Column("household", sa.JSON))
    op.create_index(
        "ux_worker_cases_one_open_case_per_person",
        "worker_cases",
        ["resident_id_hash"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("ux_worker_cases_one_open_case_per_person", "worker_cases")
    with op.batch_alter_table("worker_cases") as table:
        for column in (
            "household",
            "hardship_flags",
            "sex",
            "birth_date",
            "resident_id_masked",
            "resident_id_hash",
            "resident_id_encrypted",
        ):
            table.drop_column(column)
