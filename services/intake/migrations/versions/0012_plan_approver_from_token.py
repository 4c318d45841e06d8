"""A plan's approver is the approving token's subject, as long as an audit record's actor.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_revisions") as table:
        table.alter_column("approved_by", type_=sa.String(200), existing_type=sa.String(50))


def downgrade() -> None:
    with op.batch_alter_table("plan_revisions") as table:
        table.alter_column("approved_by", type_=sa.String(50), existing_type=sa.String(200))
