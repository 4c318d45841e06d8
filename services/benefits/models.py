"""Benefits tables: applications (personal fields encrypted), the consent and case-community views, agency
webhooks and the webhook deliveries that outlive restarts; the audit log of personal data; outbox, inbox."""

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import audit_head_table, audit_table
from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class BenefitApplication(Base):
    """An application for policy support, routed to its competent agency."""

    __tablename__ = "benefit_applications"

    application_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    application_key: Mapped[str] = mapped_column(String(200), unique=True)
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    assistant_id: Mapped[str | None] = mapped_column(String(36))
    full_name_encrypted: Mapped[str] = mapped_column(Text)
    resident_id_masked_encrypted: Mapped[str] = mapped_column(Text)
    requested_amount_yuan: Mapped[int | None] = mapped_column(Integer)
    term_months: Mapped[int | None] = mapped_column(Integer)
    business_kind: Mapped[str | None] = mapped_column(String(100))
    due_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    amount_yuan: Mapped[int | None] = mapped_column(Integer)
    decided_term_months: Mapped[int | None] = mapped_column(Integer)
    guarantee: Mapped[str | None] = mapped_column(String(200))
    interest_subsidy_percent: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_benefit_applications_agency_status", "agency", "status"),
        Index("ix_benefit_applications_status_due", "status", "due_on"),
    )


class Consent(Base):
    """A worker's consent to share with an agency, as intake's events told it."""

    __tablename__ = "consents"

    consent_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36))
    agency: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(200))
    expires_on: Mapped[date] = mapped_column(Date)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_consents_case_agency", "case_id", "agency"),)


class CaseCommunity(Base):
    """The community a worker's case belongs to, as intake's registration and assignment events told it:
    what the object-level rule for staff (`Principal.reaches_case`) is checked against."""

    __tablename__ = "case_communities"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str] = mapped_column(String(50), index=True)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AgencyWebhook(Base):
    """Where an agency receives its feed, and the secret the deliveries are signed with (encrypted)."""

    __tablename__ = "agency_webhooks"

    agency: Mapped[str] = mapped_column(String(30), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FeedDelivery(Base):
    """One feed message to POST to an agency's webhook: retried with backoff, dead-lettered, replayable."""

    __tablename__ = "feed_deliveries"

    delivery_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    agency: Mapped[str] = mapped_column(String(30))
    case_id: Mapped[str] = mapped_column(String(36))
    application_id: Mapped[str] = mapped_column(String(36), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(200))
    body_encrypted: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_feed_deliveries_status_next", "status", "next_attempt_at"),
        Index("ix_feed_deliveries_case_agency", "case_id", "agency"),
    )


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
audit_log = audit_table(metadata)
audit_chain_head = audit_head_table(metadata)
