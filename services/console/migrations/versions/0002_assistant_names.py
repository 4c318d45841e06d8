"""Labour assistants by name: the name, street and capacity intake's `intake.assistant_registered.v1`
carries; the console's own table linking staff logins to assistants goes (the staff token's `assistant_id`
claim says it now).

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
    with op.batch_alter_table("assistant_views", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("street_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
    op.drop_table("assistant_logins")


def downgrade() -> None:
    op.create_table(
        "assistant_logins",
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    with op.batch_alter_table("assistant_views", schema=None) as batch_op:
        batch_op.drop_column("capacity")
        batch_op.drop_column("street_code")
        batch_op.drop_column("name")
