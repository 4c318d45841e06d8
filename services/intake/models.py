"""Intake tables."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import audit_head_table, audit_table
from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class WorkerCase(Base):
    """A laid-off worker and the case opened for them."""

    __tablename__ = "worker_cases"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    resident_id_encrypted: Mapped[str | None] = mapped_column(Text)
    resident_id_hash: Mapped[str | None] = mapped_column(String(64))
    resident_id_masked: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(6))
    hardship_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    household: Mapped[dict[str, int] | None] = mapped_column(JSON)
    full_name: Mapped[str] = mapped_column(String(50))
    mobile: Mapped[str] = mapped_column(String(11))
    community_code: Mapped[str] = mapped_column(String(32), index=True)
    assistant_id: Mapped[str | None] = mapped_column(String(36), index=True)
    restructuring_plan_id: Mapped[str | None] = mapped_column(String(36), index=True)
    labour_contract_transfer: Mapped[dict[str, str] | None] = mapped_column(JSON)
    layoff_date: Mapped[date] = mapped_column(Date)
    layoff_reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    journey_stage: Mapped[str | None] = mapped_column(String(20))
    journey_stage_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    journey_stage_sequence: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_worker_cases_community_case", "community_code", "case_id"),
        Index("ix_worker_cases_assistant_case", "assistant_id", "case_id"),
        Index("ix_worker_cases_layoff_case", "layoff_date", "case_id"),
        Index("ix_worker_cases_status_case", "status", "case_id"),
        Index("ix_worker_cases_journey_stage_case", "journey_stage", "case_id"),
        Index("ix_worker_cases_resident_id_hash", "resident_id_hash"),
        Index(
            "ux_worker_cases_one_open_case_per_person",
            "resident_id_hash",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )


class Street(Base):
    """A street (街道): the level above communities in the caseworker network."""

    __tablename__ = "streets"

    street_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Community(Base):
    """A community (社区) within a street."""

    __tablename__ = "communities"

    community_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("streets.street_code"), index=True)
    name: Mapped[str] = mapped_column(String(100))


class LabourAssistant(Base):
    """A labour assistant (劳动协管员) serving a community, with a caseload capacity."""

    __tablename__ = "labour_assistants"

    assistant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    community_code: Mapped[str] = mapped_column(ForeignKey("communities.community_code"), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    open_cases: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("open_cases >= 0 AND open_cases <= capacity", name="ck_caseload_within_capacity"),
    )


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
audit_log = audit_table(metadata)
audit_chain_head = audit_head_table(metadata)


class SkillsProfileVersion(Base):
    """One version of a worker's skills profile (素质档案); every change is a new row, none is overwritten."""

    __tablename__ = "skills_profile_versions"

    case_id: Mapped[str] = mapped_column(ForeignKey("worker_cases.case_id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile: Mapped[dict[str, object]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Consent(Base):
    """Consent to share data with one agency for one purpose, until it expires or is withdrawn."""

    __tablename__ = "consents"

    consent_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("worker_cases.case_id"), index=True)
    agency: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(200))
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_on: Mapped[date] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class GuidanceSession(Base):
    """A guidance session (思想引导, career guidance, policy briefing, group seminar) recorded on a case."""

    __tablename__ = "guidance_sessions"

    session_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("worker_cases.case_id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    held_on: Mapped[date] = mapped_column(Date)
    assistant_id: Mapped[str] = mapped_column(ForeignKey("labour_assistants.assistant_id"))
    attendees: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text)
    next_steps: Mapped[list[str]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PlanRevision(Base):
    """One revision of the individual re-employment plan; a revision is never changed but by its status."""

    __tablename__ = "plan_revisions"

    case_id: Mapped[str] = mapped_column(ForeignKey("worker_cases.case_id"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    track: Mapped[str] = mapped_column(String(30))
    goals: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    proposed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    agreed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(200))


class RestructuringPlan(Base):
    """An enterprise's placement and diversion plan (改制方案); the worker congress must pass it first."""

    __tablename__ = "restructuring_plans"

    plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    enterprise_name: Mapped[str] = mapped_column(String(200))
    enterprise_code: Mapped[str] = mapped_column(String(18), index=True)
    affected_workers: Mapped[int] = mapped_column(Integer)
    measures: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    congress_members: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    vote: Mapped[dict[str, int] | None] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    congress_vote_deadline: Mapped[date | None] = mapped_column(Date)


class PlanRoster(Base):
    """The affected workers an enterprise lodged with its plan, taken in once the congress approves it.

    The rows hold resident ID numbers, so they are kept encrypted as one sealed document.
    """

    __tablename__ = "plan_rosters"

    plan_id: Mapped[str] = mapped_column(ForeignKey("restructuring_plans.plan_id"), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64))
    workers: Mapped[int] = mapped_column(Integer)
    rows_encrypted: Mapped[str] = mapped_column(Text)
    lodged_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CongressVoteReminder(Base):
    """A reminder sent before the worker congress's vote deadline (one per reminder key)."""

    __tablename__ = "congress_vote_reminders"

    reminder_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("restructuring_plans.plan_id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    days_left: Mapped[int] = mapped_column(Integer)
    reminded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BulkIntake(Base):
    """One bulk intake from a plan, kept so that repeating the same batch answers the same cases."""

    __tablename__ = "bulk_intakes"

    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("restructuring_plans.plan_id"), index=True)
    case_ids: Mapped[list[str]] = mapped_column(JSON)
    taken_in_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseFlag(Base):
    """One hardship flag of a case, in its own row so that filtering by flag uses an index."""

    __tablename__ = "case_flags"

    flag: Mapped[str] = mapped_column(String(30), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("worker_cases.case_id"), primary_key=True)


class CaseStatusChange(Base):
    """Every opening, closing and re-opening of a case, kept as its history."""

    __tablename__ = "case_status_changes"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("worker_cases.case_id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerImport(Base):
    """A ledger spreadsheet taken in, by the hash of its bytes, so that uploading it again opens nothing."""

    __tablename__ = "ledger_imports"

    content_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    rows: Mapped[int] = mapped_column(Integer)
    created: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
