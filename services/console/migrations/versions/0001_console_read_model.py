"""The console's read model (cases, assistants, follow-ups, complaints, outcomes, achievements and their
counters, timeline), its own records (targets, community streets, assistant logins); outbox and inbox.

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
        "review_views",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    )
    with op.batch_alter_table("review_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_views_case_id"), ["case_id"], unique=False)
    op.create_table(
        "assistant_loads",
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("open_cases", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("assistant_id"),
    )
    op.create_table(
        "achievement_tallies",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.Column("indicator", sa.String(length=30), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "community_code", "indicator"),
    )
    op.create_table(
        "assistant_logins",
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "achievements",
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("indicator", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", "indicator", "year"),
    )
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_achievements_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_achievements_year_community", ["year", "community_code", "indicator"], unique=False
        )

    op.create_table(
        "assistant_views",
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("assistant_id"),
    )
    op.create_table(
        "case_views",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("assistant_id", sa.String(length=36), nullable=True),
        sa.Column("stage", sa.String(length=30), nullable=True),
        sa.Column("stage_sequence", sa.Integer(), nullable=False),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("aged_4050", sa.Boolean(), nullable=False),
        sa.Column("hardship_flags", sa.JSON(), nullable=False),
        sa.Column("layoff_date", sa.Date(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("open_complaints", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    with op.batch_alter_table("case_views", schema=None) as batch_op:
        batch_op.create_index("ix_case_views_assistant_status", ["assistant_id", "status"], unique=False)
        batch_op.create_index("ix_case_views_community", ["community_code"], unique=False)

    op.create_table(
        "community_streets",
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("community_code"),
    )
    with op.batch_alter_table("community_streets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_community_streets_street_code"), ["street_code"], unique=False)

    op.create_table(
        "complaint_views",
        sa.Column("complaint_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("escalation_level", sa.String(length=20), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("complaint_id"),
    )
    with op.batch_alter_table("complaint_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_views_case_id"), ["case_id"], unique=False)

    op.create_table(
        "follow_up_views",
        sa.Column("task_key", sa.String(length=200), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("overdue_noticed", sa.Boolean(), nullable=False),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("still_working", sa.Boolean(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("task_key"),
    )
    with op.batch_alter_table("follow_up_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_views_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_follow_up_views_status_due", ["status", "due_on"], unique=False)
        batch_op.create_index(
            "ix_follow_up_views_status_noticed_due", ["status", "overdue_noticed", "due_on"], unique=False
        )

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
        "outcome_views",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("exit_quarter", sa.String(length=6), nullable=False),
        sa.Column("employed", sa.Boolean(), nullable=True),
        sa.Column("earnings_yuan", sa.Integer(), nullable=True),
        sa.Column("credential", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "indicator"),
    )
    with op.batch_alter_table("outcome_views", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_views_exit_quarter"), ["exit_quarter"], unique=False)
        batch_op.create_index(
            "ix_outcome_views_earnings", ["indicator", "exit_quarter", "earnings_yuan"], unique=False
        )

    op.create_table(
        "targets",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("indicator", sa.String(length=30), nullable=False),
        sa.Column("area_kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", "area_code", "indicator"),
    )
    op.create_table(
        "timeline",
        sa.Column(
            "seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_type", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("timeline", schema=None) as batch_op:
        batch_op.create_index("ix_timeline_case", ["case_id", "occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_views_case_id"))
    op.drop_table("review_views")
    op.drop_table("achievement_tallies")
    op.drop_table("assistant_loads")
    op.drop_table("assistant_logins")
    with op.batch_alter_table("timeline", schema=None) as batch_op:
        batch_op.drop_index("ix_timeline_case")

    op.drop_table("timeline")
    op.drop_table("targets")
    with op.batch_alter_table("outcome_views", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_views_earnings")
        batch_op.drop_index(batch_op.f("ix_outcome_views_exit_quarter"))

    op.drop_table("outcome_views")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_unpublished",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
        batch_op.drop_index("ix_outbox_broker_epoch")

    op.drop_table("outbox")
    op.drop_table("inbox")
    with op.batch_alter_table("follow_up_views", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_views_status_noticed_due")
        batch_op.drop_index("ix_follow_up_views_status_due")
        batch_op.drop_index(batch_op.f("ix_follow_up_views_case_id"))

    op.drop_table("follow_up_views")
    with op.batch_alter_table("complaint_views", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_views_case_id"))

    op.drop_table("complaint_views")
    with op.batch_alter_table("community_streets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_community_streets_street_code"))

    op.drop_table("community_streets")
    with op.batch_alter_table("case_views", schema=None) as batch_op:
        batch_op.drop_index("ix_case_views_community")
        batch_op.drop_index("ix_case_views_assistant_status")

    op.drop_table("case_views")
    op.drop_table("assistant_views")
    with op.batch_alter_table("achievements", schema=None) as batch_op:
        batch_op.drop_index("ix_achievements_year_community")
        batch_op.drop_index(batch_op.f("ix_achievements_case_id"))

    op.drop_table("achievements")
