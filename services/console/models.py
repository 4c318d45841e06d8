"""The console's read model: a projection of every topic, rebuilt from scratch by consuming them again.

Nothing here is the source of truth except `targets` (set by the district leading group in the console) and
`community_streets`; `pending_uploads` holds spreadsheets between their preview and their confirmation.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import Sequence, UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class CaseView(Base):
    """One worker's case as the events tell it: where it is, who carries it, and what it has achieved."""

    __tablename__ = "case_views"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str | None] = mapped_column(String(32))
    assistant_id: Mapped[str | None] = mapped_column(String(36))
    stage: Mapped[str | None] = mapped_column(String(30))
    stage_sequence: Mapped[int] = mapped_column(Integer, default=0)
    stage_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")
    aged_4050: Mapped[bool] = mapped_column(Boolean, default=False)
    hardship_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    layoff_date: Mapped[date | None] = mapped_column(Date)
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    open_complaints: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_case_views_assistant_status", "assistant_id", "status"),
        Index("ix_case_views_community", "community_code"),
    )


class AssistantView(Base):
    """A labour assistant, as intake registered them; one seen in an assignment before their registration
    arrived has only the community they serve until it does."""

    __tablename__ = "assistant_views"

    assistant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(50))
    street_code: Mapped[str | None] = mapped_column(String(32))
    capacity: Mapped[int | None] = mapped_column(Integer)


class CommunityStreet(Base):
    """Which street a community belongs to, as the leading group keeps it for street targets."""

    __tablename__ = "community_streets"

    community_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    street_code: Mapped[str] = mapped_column(String(32), index=True)


class FollowUpView(Base):
    """A follow-up task of placement, with the journey's overdue and escalation notices."""

    __tablename__ = "follow_up_views"

    task_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    task_id: Mapped[str | None] = mapped_column(String(36))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer)
    subject_kind: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")
    overdue_noticed: Mapped[bool] = mapped_column(Boolean, default=False)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    still_working: Mapped[bool | None] = mapped_column(Boolean)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        Index("ix_follow_up_views_status_due", "status", "due_on"),
        Index("ix_follow_up_views_status_noticed_due", "status", "overdue_noticed", "due_on"),
    )


class ReviewView(Base):
    """A review the journey asked of the case's assistant; it stays open until the stage changes after it."""

    __tablename__ = "review_views"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(String(500))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ComplaintView(Base):
    """A rights-protection complaint: only the fields the complaints service publishes."""

    __tablename__ = "complaint_views"

    complaint_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(40))
    escalation_level: Mapped[str | None] = mapped_column(String(20))
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class OutcomeView(Base):
    """An outcome measure after exit (employment in quarters 2 and 4, earnings, credential)."""

    __tablename__ = "outcome_views"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    exit_quarter: Mapped[str] = mapped_column(String(6), index=True)
    employed: Mapped[bool | None] = mapped_column(Boolean)
    earnings_yuan: Mapped[int | None] = mapped_column(Integer)
    credential: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (Index("ix_outcome_views_earnings", "indicator", "exit_quarter", "earnings_yuan"),)


class Achievement(Base):
    """One thing that counts toward a yearly target: a worker re-employed, trained or placed ("4050"), a
    business started, a complaint resolved. Keyed so that each counts once per year."""

    __tablename__ = "achievements"

    subject_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(30), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    community_code: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index("ix_achievements_year_community", "year", "community_code", "indicator"),)


class AssistantLoad(Base):
    """How many open cases each labour assistant carries, kept as cases are assigned, closed, reopened."""

    __tablename__ = "assistant_loads"

    assistant_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    open_cases: Mapped[int] = mapped_column(Integer, default=0)


class AchievementTally(Base):
    """Achievements counted per year, community ("" while the case's community is unknown) and indicator."""

    __tablename__ = "achievement_tallies"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(30), primary_key=True)
    achieved: Mapped[int] = mapped_column(Integer, default=0)


class Target(Base):
    """A yearly target the leading group set for a street or a community on one indicator."""

    __tablename__ = "targets"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    area_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(30), primary_key=True)
    area_kind: Mapped[str] = mapped_column(String(10))
    target: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(100))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TimelineEntry(Base):
    """Every event the console applied, in arrival order: the case timeline and the live feed."""

    __tablename__ = "timeline"

    seq: Mapped[int] = mapped_column(Sequence, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[str | None] = mapped_column(String(36))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (Index("ix_timeline_case", "case_id", "occurred_at"),)


class PendingUpload(Base):
    """A spreadsheet a staff member uploaded and saw previewed, kept until it expires
    (`console_upload_minutes`); only its uploader may see or confirm it. Once confirmed, the file is dropped
    and intake's answer kept in `result`, so a reload shows the outcome and imports nothing twice."""

    __tablename__ = "pending_uploads"

    upload_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    plan_id: Mapped[str | None] = mapped_column(String(36))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    preview: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
