"""A labour assistant's staff login names their assistant in intake's caseworker network (`assistant_id`),
which their tokens carry as a claim.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.add_column(sa.Column("assistant_id", sa.String(36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.drop_column("assistant_id")
