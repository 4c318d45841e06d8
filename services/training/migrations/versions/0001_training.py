"""Providers, courses, classes and sessions, enrolments, attendance, certificates; the local case and demand
views; outbox and inbox.

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
        "certificate_serials",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    op.create_table(
        "courses",
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("occupation_area", sa.String(length=30), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=False),
        sa.Column("certificate_name", sa.String(length=100), nullable=False),
        sa.Column("cost_per_trainee_yuan", sa.Integer(), nullable=False),
        sa.Column("skills_taught", sa.JSON(), nullable=False),
        sa.Column("minimum_attendance", sa.Float(), nullable=False),
        sa.Column("assessment_required", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("course_id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index(op.f("ix_courses_occupation_area"), "courses", ["occupation_area"], unique=False)
    op.create_table(
        "demanded_vacancies",
        sa.Column("vacancy_id", sa.String(length=36), nullable=False),
        sa.Column("occupation_area", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("required_skills", sa.JSON(), nullable=False),
        sa.Column("required_certificates", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("vacancy_id"),
    )
    op.create_index(
        "ix_demanded_vacancies_status_area", "demanded_vacancies", ["status", "occupation_area"], unique=False
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
        "known_cases",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.Column("desired_occupations", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "known_consents",
        sa.Column("consent_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("agency", sa.String(length=30), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("consent_id"),
    )
    op.create_index(op.f("ix_known_consents_case_id"), "known_consents", ["case_id"], unique=False)
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
    op.create_index("ix_outbox_broker_epoch", "outbox", ["broker_epoch"], unique=False)
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["seq"],
        unique=False,
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_table(
        "providers",
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("accreditation", sa.String(length=20), nullable=False),
        sa.Column("accredited_until", sa.Date(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider_id"),
    )
    op.create_table(
        "training_classes",
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("provider_id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrolment_opens_on", sa.Date(), nullable=False),
        sa.Column("enrolment_closes_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("enrolled_count", sa.Integer(), nullable=False),
        sa.Column("waitlist_tickets", sa.Integer(), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "enrolled_count >= 0 AND enrolled_count <= capacity", name="ck_class_not_overbooked"
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.course_id"],
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.provider_id"],
        ),
        sa.PrimaryKeyConstraint("class_id"),
    )
    op.create_index(op.f("ix_training_classes_course_id"), "training_classes", ["course_id"], unique=False)
    op.create_index(
        op.f("ix_training_classes_provider_id"), "training_classes", ["provider_id"], unique=False
    )
    op.create_index(
        "ix_training_classes_status_starts", "training_classes", ["status", "starts_on"], unique=False
    )
    op.create_table(
        "class_sessions",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.class_id"],
        ),
        sa.PrimaryKeyConstraint("session_id"),
        sa.UniqueConstraint("class_id", "number", name="uq_class_session_number"),
    )
    op.create_index(op.f("ix_class_sessions_class_id"), "class_sessions", ["class_id"], unique=False)
    op.create_table(
        "enrolments",
        sa.Column("enrolment_id", sa.String(length=36), nullable=False),
        sa.Column("class_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("waitlist_ticket", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=30), nullable=True),
        sa.Column("withdrawal_note", sa.String(length=500), nullable=True),
        sa.Column("attendance_rate", sa.Float(), nullable=True),
        sa.Column("assessment_passed", sa.Boolean(), nullable=True),
        sa.Column("failure_reason", sa.String(length=30), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["training_classes.class_id"],
        ),
        sa.PrimaryKeyConstraint("enrolment_id"),
    )
    op.create_index(op.f("ix_enrolments_case_id"), "enrolments", ["case_id"], unique=False)
    op.create_index(
        "ix_enrolments_class_status_ticket",
        "enrolments",
        ["class_id", "status", "waitlist_ticket"],
        unique=False,
    )
    op.create_index(
        "ux_enrolments_one_active_per_case_and_class",
        "enrolments",
        ["class_id", "case_id"],
        unique=True,
        sqlite_where=sa.text("status IN ('enrolled', 'waitlisted')"),
        postgresql_where=sa.text("status IN ('enrolled', 'waitlisted')"),
    )
    op.create_index(
        "ux_enrolments_waitlist_ticket",
        "enrolments",
        ["class_id", "waitlist_ticket"],
        unique=True,
        sqlite_where=sa.text("waitlist_ticket IS NOT NULL"),
        postgresql_where=sa.text("waitlist_ticket IS NOT NULL"),
    )
    op.create_table(
        "attendance_marks",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.enrolment_id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_sessions.session_id"],
        ),
        sa.PrimaryKeyConstraint("session_id", "enrolment_id"),
    )
    op.create_table(
        "certificates",
        sa.Column("certificate_number", sa.String(length=32), nullable=False),
        sa.Column("enrolment_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("course_id", sa.String(length=36), nullable=False),
        sa.Column("certificate_name", sa.String(length=100), nullable=False),
        sa.Column("occupation_area", sa.String(length=30), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.course_id"],
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.enrolment_id"],
        ),
        sa.PrimaryKeyConstraint("certificate_number"),
        sa.UniqueConstraint("enrolment_id"),
    )
    op.create_index(op.f("ix_certificates_case_id"), "certificates", ["case_id"], unique=False)
