"""Complaints, their status history, notes, attachment metadata, referrals, recorded actions; outbox, inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("referring_agency", sa.String(length=100), nullable=True),
        sa.Column("employer_name", sa.String(length=200), nullable=False),
        sa.Column("employer_credit_code", sa.String(length=18), nullable=True),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("resolution_summary", sa.Text(), nullable=True),
        sa.Column("officer_id", sa.String(length=36), nullable=True),
        sa.Column("referred_to", sa.String(length=30), nullable=True),
        sa.Column("escalation_level", sa.String(length=20), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction_score", sa.Integer(), nullable=True),
        sa.Column("satisfaction_comment", sa.Text(), nullable=True),
        sa.Column("satisfaction_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("complaint_id"),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaints_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaints_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index("ix_complaints_referred_to_status", ["referred_to", "status"], unique=False)
        batch_op.create_index("ix_complaints_status_complaint", ["status", "complaint_id"], unique=False)

    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )
    op.create_table(
        "outbox",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("message_key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("broker_epoch", sa.Integer(), nullable=True),
        sa.Column("kafka_partition", sa.Integer(), nullable=True),
        sa.Column("kafka_offset", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_broker_epoch", ["broker_epoch"], unique=False)
        batch_op.create_index(
            "ix_outbox_unpublished",
            ["seq"],
            unique=False,
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )

    op.create_table(
        "complaint_actions",
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("action_key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("deadline_kind", sa.String(length=30), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.complaint_id"],
        ),
        sa.PrimaryKeyConstraint("complaint_id", "action_key"),
    )
    op.create_table(
        "complaint_attachments",
        sa.Column("attachment_id", sa.String(length=36), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.complaint_id"],
        ),
        sa.PrimaryKeyConstraint("attachment_id"),
    )
    with op.batch_alter_table("complaint_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_attachments_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_notes",
        sa.Column("note_id", sa.String(length=36), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("author_role", sa.String(length=30), nullable=False),
        sa.Column("author_id", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.complaint_id"],
        ),
        sa.PrimaryKeyConstraint("note_id"),
    )
    with op.batch_alter_table("complaint_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_notes_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "complaint_referrals",
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("agency", sa.String(length=30), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finding", sa.String(length=20), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.complaint_id"],
        ),
        sa.PrimaryKeyConstraint("referral_id"),
    )
    with op.batch_alter_table("complaint_referrals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaint_referrals_agency_complaint", ["agency", "complaint_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_complaint_referrals_complaint_id"), ["complaint_id"], unique=False
        )

    op.create_table(
        "complaint_status_changes",
        sa.Column("change_id", sa.String(length=36), nullable=False),
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("actor_role", sa.String(length=30), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.complaint_id"],
        ),
        sa.PrimaryKeyConstraint("change_id"),
    )
    with op.batch_alter_table("complaint_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_status_changes_complaint_id"), ["complaint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("complaint_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_status_changes_complaint_id"))

    op.drop_table("complaint_status_changes")
    with op.batch_alter_table("complaint_referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_referrals_complaint_id"))
        batch_op.drop_index("ix_complaint_referrals_agency_complaint")

    op.drop_table("complaint_referrals")
    with op.batch_alter_table("complaint_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_notes_complaint_id"))

    op.drop_table("complaint_notes")
    with op.batch_alter_table("complaint_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_attachments_complaint_id"))

    op.drop_table("complaint_attachments")
    op.drop_table("complaint_actions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_unpublished",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
        batch_op.drop_index("ix_outbox_broker_epoch")

    op.drop_table("outbox")
    op.drop_table("inbox")
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_status_complaint")
        batch_op.drop_index("ix_complaints_referred_to_status")
        batch_op.drop_index(batch_op.f("ix_complaints_officer_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_case_id"))

    op.drop_table("complaints")
