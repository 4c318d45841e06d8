"""Complaints tables. Details (narrative, employer, notes, attachments) never leave them in an event."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class Complaint(Base):
    """A rights-protection complaint (维权投诉) about a worker's case and an employer."""

    __tablename__ = "complaints"

    complaint_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    category: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(20))
    referring_agency: Mapped[str | None] = mapped_column(String(100))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_credit_code: Mapped[str | None] = mapped_column(String(18))
    narrative: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(20))
    resolution_summary: Mapped[str | None] = mapped_column(Text)
    officer_id: Mapped[str | None] = mapped_column(String(36), index=True)
    referred_to: Mapped[str | None] = mapped_column(String(30))
    escalation_level: Mapped[str | None] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    referred_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    satisfaction_score: Mapped[int | None] = mapped_column(Integer)
    satisfaction_comment: Mapped[str | None] = mapped_column(Text)
    satisfaction_recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_complaints_status_complaint", "status", "complaint_id"),
        Index("ix_complaints_referred_to_status", "referred_to", "status"),
    )


class ComplaintStatusChange(Base):
    """Every move of a complaint in its state machine: from, to, what moved it, who."""

    __tablename__ = "complaint_status_changes"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.complaint_id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    actor_role: Mapped[str] = mapped_column(String(30))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ComplaintNote(Base):
    __tablename__ = "complaint_notes"

    note_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.complaint_id"), index=True)
    author_role: Mapped[str] = mapped_column(String(30))
    author_id: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ComplaintAttachment(Base):
    """Metadata of a document kept elsewhere (the file store is not this service's)."""

    __tablename__ = "complaint_attachments"

    attachment_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.complaint_id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Referral(Base):
    """A referral to a competent agency and, once it comes, the agency's answer."""

    __tablename__ = "complaint_referrals"

    referral_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.complaint_id"), index=True)
    agency: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text)
    referred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finding: Mapped[str | None] = mapped_column(String(20))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_complaint_referrals_agency_complaint", "agency", "complaint_id"),)


class RecordedAction(Base):
    """A reminder, escalation or satisfaction check the workflow recorded, under a key of its choosing."""

    __tablename__ = "complaint_actions"

    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.complaint_id"), primary_key=True)
    action_key: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    deadline_kind: Mapped[str | None] = mapped_column(String(30))
    level: Mapped[str | None] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
