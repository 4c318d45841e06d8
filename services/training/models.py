"""Training tables: providers, the course catalogue, classes, enrolments, attendance, certificates, and the
local views of cases (from intake) and vacancy demand (from placement)."""

from datetime import date, datetime

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
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class Provider(Base):
    """A training provider: a vocational school, community school or workers' club."""

    __tablename__ = "providers"

    provider_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(300))
    contacts: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    accreditation: Mapped[str] = mapped_column(String(20))
    accredited_until: Mapped[date | None] = mapped_column(Date)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Course(Base):
    """A catalogue course: what any provider may teach, what it awards and what the fund pays per trainee."""

    __tablename__ = "courses"

    course_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    occupation_area: Mapped[str] = mapped_column(String(30), index=True)
    hours: Mapped[int] = mapped_column(Integer)
    certificate_name: Mapped[str] = mapped_column(String(100))
    cost_per_trainee_yuan: Mapped[int] = mapped_column(Integer)
    skills_taught: Mapped[list[str]] = mapped_column(JSON)
    minimum_attendance: Mapped[float] = mapped_column(Float)
    assessment_required: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class TrainingClass(Base):
    """A class of a course held by a provider. The counters change only by conditional UPDATEs, so
    concurrent enrolments can neither overbook it nor hand out one waitlist ticket twice."""

    __tablename__ = "training_classes"

    class_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.provider_id"), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.course_id"), index=True)
    venue: Mapped[str] = mapped_column(String(300))
    capacity: Mapped[int] = mapped_column(Integer)
    enrolment_opens_on: Mapped[date] = mapped_column(Date)
    enrolment_closes_on: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    enrolled_count: Mapped[int] = mapped_column(Integer, default=0)
    waitlist_tickets: Mapped[int] = mapped_column(Integer, default=0)
    scheduled_at: Mapped[datetime] = mapped_column(UtcDateTime)
    concluded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (
        CheckConstraint("enrolled_count >= 0 AND enrolled_count <= capacity", name="ck_class_not_overbooked"),
        Index("ix_training_classes_status_starts", "status", "starts_on"),
    )


class ClassSession(Base):
    """One scheduled session of a class."""

    __tablename__ = "class_sessions"

    session_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    class_id: Mapped[str] = mapped_column(ForeignKey("training_classes.class_id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    topic: Mapped[str] = mapped_column(String(200))

    __table_args__ = (UniqueConstraint("class_id", "number", name="uq_class_session_number"),)


class Enrolment(Base):
    """A worker's place in a class (or in its waitlist, by ticket order), and how it ended."""

    __tablename__ = "enrolments"

    enrolment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    class_id: Mapped[str] = mapped_column(ForeignKey("training_classes.class_id"))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    assistant_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    waitlist_ticket: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(30))
    withdrawal_note: Mapped[str | None] = mapped_column(String(500))
    attendance_rate: Mapped[float | None] = mapped_column(Float)
    assessment_passed: Mapped[bool | None] = mapped_column(Boolean)
    failure_reason: Mapped[str | None] = mapped_column(String(30))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_enrolments_class_status_ticket", "class_id", "status", "waitlist_ticket"),
        Index(
            "ux_enrolments_one_active_per_case_and_class",
            "class_id",
            "case_id",
            unique=True,
            sqlite_where=text("status IN ('enrolled', 'waitlisted')"),
            postgresql_where=text("status IN ('enrolled', 'waitlisted')"),
        ),
        Index(
            "ux_enrolments_waitlist_ticket",
            "class_id",
            "waitlist_ticket",
            unique=True,
            sqlite_where=text("waitlist_ticket IS NOT NULL"),
            postgresql_where=text("waitlist_ticket IS NOT NULL"),
        ),
    )


class AttendanceMark(Base):
    """Present or absent at one session; recording it again corrects it."""

    __tablename__ = "attendance_marks"

    session_id: Mapped[str] = mapped_column(ForeignKey("class_sessions.session_id"), primary_key=True)
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolments.enrolment_id"), primary_key=True)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Certificate(Base):
    """A certificate issued for a completed training; its number is unique and never reused."""

    __tablename__ = "certificates"

    certificate_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    enrolment_id: Mapped[str] = mapped_column(ForeignKey("enrolments.enrolment_id"), unique=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.course_id"))
    certificate_name: Mapped[str] = mapped_column(String(100))
    occupation_area: Mapped[str] = mapped_column(String(30))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CertificateSerial(Base):
    """The last certificate serial handed out in a year."""

    __tablename__ = "certificate_serials"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_serial: Mapped[int] = mapped_column(Integer)


class KnownCase(Base):
    """Training's copy of what intake publishes about a case: open or closed, and the skills profile."""

    __tablename__ = "known_cases"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    community_code: Mapped[str | None] = mapped_column(String(32))
    profile_version: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_occupations: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class KnownConsent(Base):
    """A consent the worker granted (and maybe withdrew), as intake published it."""

    __tablename__ = "known_consents"

    consent_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    agency: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DemandedVacancy(Base):
    """A vacancy placement posted, kept while open: the local view of demand for recommendations."""

    __tablename__ = "demanded_vacancies"

    vacancy_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    occupation_area: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    openings: Mapped[int] = mapped_column(Integer)
    required_skills: Mapped[list[str]] = mapped_column(JSON)
    required_certificates: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_demanded_vacancies_status_area", "status", "occupation_area"),)


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
