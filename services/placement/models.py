"""Placement tables."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


class Community(Base):
    """A community and its street, with coordinates when known: what distance in matching is measured on."""

    __tablename__ = "communities"

    community_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    street_code: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class Employer(Base):
    """An employer that posts vacancies and answers referrals once verified."""

    __tablename__ = "employers"

    employer_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    registration_reference: Mapped[str | None] = mapped_column(String(40), unique=True)
    community_code: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Vacancy(Base):
    """A vacancy with its occupation area, form, pay, requirements and openings."""

    __tablename__ = "vacancies"

    vacancy_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.employer_id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    occupation_area: Mapped[str] = mapped_column(String(30))
    employment_form: Mapped[str] = mapped_column(String(30))
    openings: Mapped[int] = mapped_column(Integer)
    openings_filled: Mapped[int] = mapped_column(Integer, default=0)
    required_skills: Mapped[list[str]] = mapped_column(JSON)
    required_certificates: Mapped[list[str]] = mapped_column(JSON)
    community_code: Mapped[str | None] = mapped_column(String(32))
    monthly_wage_yuan: Mapped[int | None] = mapped_column(Integer)
    hourly_wage_yuan: Mapped[int | None] = mapped_column(Integer)
    job_fair_id: Mapped[str | None] = mapped_column(ForeignKey("job_fairs.job_fair_id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    close_reason: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_vacancies_matching", "status", "occupation_area", "employment_form"),
        CheckConstraint("openings_filled >= 0 AND openings_filled <= openings", name="ck_openings_filled"),
    )


class Worker(Base):
    """What placement knows of a worker, built from intake and training events: matching's input."""

    __tablename__ = "workers"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str | None] = mapped_column(String(32))
    hardship_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    profile_certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    training_certificates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    desired_occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_forms: Mapped[list[str]] = mapped_column(JSON, default=list)
    profile_version: Mapped[int] = mapped_column(Integer, default=0)
    match_facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What matching reads, in one column so a candidate costs one JSON decode (see `workers.facts`)."""
    assistant_id: Mapped[str | None] = mapped_column(String(36))
    case_open: Mapped[bool] = mapped_column(Boolean, default=True)
    registered: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WorkerInterest(Base):
    """An occupation area a worker asked for or holds a certificate in: indexes workers-for-a-vacancy."""

    __tablename__ = "worker_interests"

    occupation_area: Mapped[str] = mapped_column(String(30), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("workers.case_id"), primary_key=True)


class JobFair(Base):
    """A job fair (招聘会): employers and their vacancies, the workers who came, the referrals made there."""

    __tablename__ = "job_fairs"

    job_fair_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    community_code: Mapped[str | None] = mapped_column(String(32))
    venue: Mapped[str] = mapped_column(String(200))
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JobFairEmployer(Base):
    __tablename__ = "job_fair_employers"

    job_fair_id: Mapped[str] = mapped_column(ForeignKey("job_fairs.job_fair_id"), primary_key=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.employer_id"), primary_key=True)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JobFairAttendance(Base):
    __tablename__ = "job_fair_attendance"

    job_fair_id: Mapped[str] = mapped_column(ForeignKey("job_fairs.job_fair_id"), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("workers.case_id"), primary_key=True)
    attended_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Referral(Base):
    """A labour assistant's referral of a worker to a vacancy, and the employer's answer."""

    __tablename__ = "referrals"

    referral_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("workers.case_id"), index=True)
    vacancy_id: Mapped[str] = mapped_column(ForeignKey("vacancies.vacancy_id"), index=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.employer_id"), index=True)
    assistant_id: Mapped[str | None] = mapped_column(String(36))
    job_fair_id: Mapped[str | None] = mapped_column(ForeignKey("job_fairs.job_fair_id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    interview_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    rejection_reason: Mapped[str | None] = mapped_column(String(30))
    referred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("case_id", "vacancy_id", name="uq_referrals_case_vacancy"),)


class Business(Base):
    """A business a worker plans and starts (entrepreneurship): self-employment and jobs for others."""

    __tablename__ = "businesses"

    business_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("workers.case_id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    community_code: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    expected_monthly_income_yuan: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date | None] = mapped_column(Date)
    licence_reference: Mapped[str | None] = mapped_column(String(40))
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employers.employer_id"))
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[str | None] = mapped_column(String(30))
    planned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class BusinessSupportLink(Base):
    """A policy-support application the business needs (decided by an agency in the benefits service)."""

    __tablename__ = "business_support_links"

    business_id: Mapped[str] = mapped_column(ForeignKey("businesses.business_id"), primary_key=True)
    application_reference: Mapped[str] = mapped_column(String(64), primary_key=True)
    support_kind: Mapped[str] = mapped_column(String(30))
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Hire(Base):
    """A worker's job: contract terms, wage and insurance; ended with a reason, never deleted."""

    __tablename__ = "hires"

    hire_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("workers.case_id"), index=True)
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.employer_id"), index=True)
    vacancy_id: Mapped[str | None] = mapped_column(ForeignKey("vacancies.vacancy_id"), index=True)
    referral_id: Mapped[str | None] = mapped_column(ForeignKey("referrals.referral_id"), unique=True)
    business_id: Mapped[str | None] = mapped_column(ForeignKey("businesses.business_id"), index=True)
    occupation_area: Mapped[str | None] = mapped_column(String(30))
    employment_form: Mapped[str] = mapped_column(String(30))
    has_labour_contract: Mapped[bool] = mapped_column(Boolean)
    contract_months: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    monthly_wage_yuan: Mapped[int] = mapped_column(Integer)
    social_insurance: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(20))
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(String(30))
    hired_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class FollowUpTask(Base):
    """A follow-up of a hire or a business start, asked for by the journey under a key of its choosing."""

    __tablename__ = "follow_up_tasks"

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    subject_kind: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[str] = mapped_column(String(36))
    assistant_id: Mapped[str | None] = mapped_column(String(36))
    requested_assistant_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_follow_up_tasks_status_due", "status", "due_on"),
        Index("ix_follow_up_tasks_assistant_due", "assistant_id", "due_on"),
    )
