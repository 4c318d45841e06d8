"""Placement: communities, employers, vacancies, the worker view, referrals, hires, businesses, job fairs,
follow-up tasks, outbox and inbox.

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
        "communities",
        sa.Column("community_code", sa.String(length=32), nullable=False),
        sa.Column("street_code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("community_code"),
    )
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_communities_street_code"), ["street_code"], unique=False)

    op.create_table(
        "employers",
        sa.Column("employer_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("registration_reference", sa.String(length=40), nullable=True),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("employer_id"),
        sa.UniqueConstraint("registration_reference"),
    )
    op.create_table(
        "follow_up_tasks",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("task_key", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.String(length=36), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=True),
        sa.Column("requested_assistant_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("task_id"),
        sa.UniqueConstraint("task_key"),
    )
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_follow_up_tasks_assistant_due", ["assistant_id", "due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_up_tasks_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_follow_up_tasks_status_due", ["status", "due_on"], unique=False)

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
        "job_fairs",
        sa.Column("job_fair_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job_fair_id"),
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
        "workers",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("hardship_flags", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("profile_certificates", sa.JSON(), nullable=False),
        sa.Column("training_certificates", sa.JSON(), nullable=False),
        sa.Column("desired_occupations", sa.JSON(), nullable=False),
        sa.Column("desired_forms", sa.JSON(), nullable=False),
        sa.Column("profile_version", sa.Integer(), nullable=False),
        sa.Column("match_facts", sa.JSON(), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=True),
        sa.Column("case_open", sa.Boolean(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_table(
        "businesses",
        sa.Column("business_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("expected_monthly_income_yuan", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("licence_reference", sa.String(length=40), nullable=True),
        sa.Column("employer_id", sa.String(length=36), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("close_reason", sa.String(length=30), nullable=True),
        sa.Column("planned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["workers.case_id"],
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.employer_id"],
        ),
        sa.PrimaryKeyConstraint("business_id"),
    )
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_businesses_case_id"), ["case_id"], unique=False)

    op.create_table(
        "job_fair_attendance",
        sa.Column("job_fair_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["workers.case_id"],
        ),
        sa.ForeignKeyConstraint(
            ["job_fair_id"],
            ["job_fairs.job_fair_id"],
        ),
        sa.PrimaryKeyConstraint("job_fair_id", "case_id"),
    )
    op.create_table(
        "job_fair_employers",
        sa.Column("job_fair_id", sa.String(length=36), nullable=False),
        sa.Column("employer_id", sa.String(length=36), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.employer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["job_fair_id"],
            ["job_fairs.job_fair_id"],
        ),
        sa.PrimaryKeyConstraint("job_fair_id", "employer_id"),
    )
    op.create_table(
        "vacancies",
        sa.Column("vacancy_id", sa.String(length=36), nullable=False),
        sa.Column("employer_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("occupation_area", sa.String(length=30), nullable=False),
        sa.Column("employment_form", sa.String(length=30), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("openings_filled", sa.Integer(), nullable=False),
        sa.Column("required_skills", sa.JSON(), nullable=False),
        sa.Column("required_certificates", sa.JSON(), nullable=False),
        sa.Column("community_code", sa.String(length=32), nullable=True),
        sa.Column("monthly_wage_yuan", sa.Integer(), nullable=True),
        sa.Column("hourly_wage_yuan", sa.Integer(), nullable=True),
        sa.Column("job_fair_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("openings_filled >= 0 AND openings_filled <= openings", name="ck_openings_filled"),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.employer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["job_fair_id"],
            ["job_fairs.job_fair_id"],
        ),
        sa.PrimaryKeyConstraint("vacancy_id"),
    )
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vacancies_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vacancies_job_fair_id"), ["job_fair_id"], unique=False)
        batch_op.create_index(
            "ix_vacancies_matching", ["status", "occupation_area", "employment_form"], unique=False
        )

    op.create_table(
        "worker_interests",
        sa.Column("occupation_area", sa.String(length=30), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["workers.case_id"],
        ),
        sa.PrimaryKeyConstraint("occupation_area", "case_id"),
    )
    op.create_table(
        "business_support_links",
        sa.Column("business_id", sa.String(length=36), nullable=False),
        sa.Column("application_reference", sa.String(length=64), nullable=False),
        sa.Column("support_kind", sa.String(length=30), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.business_id"],
        ),
        sa.PrimaryKeyConstraint("business_id", "application_reference"),
    )
    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("vacancy_id", sa.String(length=36), nullable=False),
        sa.Column("employer_id", sa.String(length=36), nullable=False),
        sa.Column("assistant_id", sa.String(length=36), nullable=True),
        sa.Column("job_fair_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("interview_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.String(length=30), nullable=True),
        sa.Column("referred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["workers.case_id"],
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.employer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["job_fair_id"],
            ["job_fairs.job_fair_id"],
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.vacancy_id"],
        ),
        sa.PrimaryKeyConstraint("referral_id"),
        sa.UniqueConstraint("case_id", "vacancy_id", name="uq_referrals_case_vacancy"),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_job_fair_id"), ["job_fair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_vacancy_id"), ["vacancy_id"], unique=False)

    op.create_table(
        "hires",
        sa.Column("hire_id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("employer_id", sa.String(length=36), nullable=False),
        sa.Column("vacancy_id", sa.String(length=36), nullable=True),
        sa.Column("referral_id", sa.String(length=36), nullable=True),
        sa.Column("business_id", sa.String(length=36), nullable=True),
        sa.Column("occupation_area", sa.String(length=30), nullable=True),
        sa.Column("employment_form", sa.String(length=30), nullable=False),
        sa.Column("has_labour_contract", sa.Boolean(), nullable=False),
        sa.Column("contract_months", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("monthly_wage_yuan", sa.Integer(), nullable=False),
        sa.Column("social_insurance", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=30), nullable=True),
        sa.Column("hired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.business_id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["workers.case_id"],
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.employer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.referral_id"],
        ),
        sa.ForeignKeyConstraint(
            ["vacancy_id"],
            ["vacancies.vacancy_id"],
        ),
        sa.PrimaryKeyConstraint("hire_id"),
        sa.UniqueConstraint("referral_id"),
    )
    with op.batch_alter_table("hires", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hires_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hires_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hires_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hires_vacancy_id"), ["vacancy_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hires", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hires_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_hires_employer_id"))
        batch_op.drop_index(batch_op.f("ix_hires_case_id"))
        batch_op.drop_index(batch_op.f("ix_hires_business_id"))

    op.drop_table("hires")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_vacancy_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_job_fair_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_employer_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_case_id"))

    op.drop_table("referrals")
    op.drop_table("business_support_links")
    op.drop_table("worker_interests")
    with op.batch_alter_table("vacancies", schema=None) as batch_op:
        batch_op.drop_index("ix_vacancies_matching")
        batch_op.drop_index(batch_op.f("ix_vacancies_job_fair_id"))
        batch_op.drop_index(batch_op.f("ix_vacancies_employer_id"))

    op.drop_table("vacancies")
    op.drop_table("job_fair_employers")
    op.drop_table("job_fair_attendance")
    with op.batch_alter_table("businesses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_businesses_case_id"))

    op.drop_table("businesses")
    op.drop_table("workers")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_unpublished",
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )
        batch_op.drop_index("ix_outbox_broker_epoch")

    op.drop_table("outbox")
    op.drop_table("job_fairs")
    op.drop_table("inbox")
    with op.batch_alter_table("follow_up_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_follow_up_tasks_status_due")
        batch_op.drop_index(batch_op.f("ix_follow_up_tasks_case_id"))
        batch_op.drop_index("ix_follow_up_tasks_assistant_due")

    op.drop_table("follow_up_tasks")
    op.drop_table("employers")
    with op.batch_alter_table("communities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_communities_street_code"))

    op.drop_table("communities")
