"""Uploaded spreadsheets waiting for their confirmation: the file, who uploaded it, and intake's preview.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_uploads",
        sa.Column("upload_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("preview", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("upload_id"),
    )
    op.create_index("ix_pending_uploads_uploaded_at", "pending_uploads", ["uploaded_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_uploads_uploaded_at", table_name="pending_uploads")
    op.drop_table("pending_uploads")
