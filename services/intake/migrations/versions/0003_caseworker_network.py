"""Caseworker network: streets, communities, labour assistants with capacity; cases carry their assistant.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "streets",
        sa.Column("street_code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_table(
        "communities",
        sa.Column("community_code", sa.String(32), primary_key=True),
        sa.Column("street_code", sa.String(32), sa.ForeignKey("streets.street_code"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
    )
    op.create_index("ix_communities_street_code", "communities", ["street_code"])
    op.create_table(
        "labour_assistants",
        sa.Column("assistant_id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column(
            "community_code", sa.String(32), sa.ForeignKey("communities.community_code"), nullable=False
        ),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("open_cases", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.CheckConstraint("open_cases >= 0 AND open_cases <= capacity", name="ck_caseload_within_capacity"),
    )
    op.create_index("ix_labour_assistants_community_code", "labour_assistants", ["community_code"])
    with op.batch_alter_table("worker_cases") as table:
        table.add_column(sa.Column("assistant_id", sa.String(36)))
    op.create_index("ix_worker_cases_assistant_id", "worker_cases", ["assistant_id"])


def downgrade() -> None:
    op.drop_index("ix_worker_cases_assistant_id", "worker_cases")
    with op.batch_alter_table("worker_cases") as table:
        table.drop_column("assistant_id")
    op.drop_table("labour_assistants")
    op.drop_table("communities")
    op.drop_table("streets")
