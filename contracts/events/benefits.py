"""Events of the benefits service, on `benefits.events`, and the agency feed messages, on `feed.<agency>`.

Events about applications carry no names or ID numbers. Feed messages go to one agency each and carry only
the fields that agency's purpose needs (the models below are that list: `FEED_MODELS`); they are keyed by
application id, and the same CloudEvent is the body of the agency's signed webhook.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import Field

from contracts.events import CaseEvent, Event
from contracts.events.intake import Agency
from contracts.topics import BENEFITS_EVENTS, feed_topic

SOURCE = "/services/benefits"


class ApplicationKind(StrEnum):
    """The policy support a worker can apply for; each kind has one competent agency."""

    REEMPLOYMENT_CERTIFICATE = "reemployment_certificate"
    TAX_RELIEF = "tax_relief"
    BUSINESS_REGISTRATION = "business_registration"
    MICRO_LOAN = "micro_loan"
    HEALTH_CERTIFICATE = "health_certificate"
    PREMISES = "premises"


class ApplicationSubmitted(CaseEvent):
    """An application for policy support was submitted and routed to its competent agency."""

    event_type = "benefits.application_submitted.v1"
    topic = BENEFITS_EVENTS
    source = SOURCE

    application_id: str
    kind: ApplicationKind
    agency: Agency
    due_on: date = Field(description="The day by which the agency should decide")
    submitted_at: datetime


class ApplicationDecided(CaseEvent):
    """The competent agency approved or rejected the application."""

    event_type = "benefits.application_decided.v1"
    topic = BENEFITS_EVENTS
    source = SOURCE

    application_id: str
    kind: ApplicationKind
    agency: Agency
    decision: Literal["approved", "rejected"]
    amount_yuan: int | None = Field(description="The amount granted (a loan's principal), if any")
    decided_at: datetime
    term_months: int | None = None
    interest_subsidy_percent: int | None = Field(
        default=None, description="Share of a loan's interest paid by the subsidy, 0..100"
    )


class ApplicationReminded(CaseEvent):
    """The agency's decision is due soon; the agency and the assistant are reminded once."""

    event_type = "benefits.application_reminded.v1"
    topic = BENEFITS_EVENTS
    source = SOURCE

    application_id: str
    kind: ApplicationKind
    agency: Agency
    due_on: date
    reminded_at: datetime


class ApplicationOverdue(CaseEvent):
    """The agency has not decided by the due day."""

    event_type = "benefits.application_overdue.v1"
    topic = BENEFITS_EVENTS
    source = SOURCE

    application_id: str
    kind: ApplicationKind
    agency: Agency
    due_on: date
    overdue_at: datetime


class ApplicationWithdrawn(CaseEvent):
    """The application was withdrawn before a decision (by the worker, through the assistant)."""

    event_type = "benefits.application_withdrawn.v1"
    topic = BENEFITS_EVENTS
    source = SOURCE

    application_id: str
    kind: ApplicationKind
    agency: Agency
    withdrawn_at: datetime


class FeedDeliveryDeadLettered(CaseEvent):
    """A webhook delivery to an agency failed every attempt and waits for an operator's replay."""

    event_type = "benefits.feed_delivery_dead_lettered.v1"
    topic = BENEFITS_EVENTS
    source = SOURCE

    delivery_id: str
    application_id: str
    agency: Agency
    attempts: int
    dead_lettered_at: datetime


class FeedApplication(Event):
    """Common part of every agency's feed message: what is asked, and by when."""

    subject_field = "application_id"
    source = SOURCE

    application_id: str
    kind: ApplicationKind
    due_on: date
    routed_at: datetime


class BankApplication(FeedApplication):
    """A guaranteed micro-loan application for the lending bank: name, masked ID, amount and term."""

    event_type = "benefits.bank_application.v1"
    topic = feed_topic(Agency.BANK)

    full_name: str
    resident_id_masked: str
    requested_amount_yuan: int
    term_months: int


class TaxApplication(FeedApplication):
    """A self-employment tax relief application for the tax bureau."""

    event_type = "benefits.tax_application.v1"
    topic = feed_topic(Agency.TAX)

    full_name: str
    resident_id_masked: str
    business_kind: str | None


class CommerceApplication(FeedApplication):
    """A business registration and fee waiver application for the market regulation (commerce) bureau."""

    event_type = "benefits.commerce_application.v1"
    topic = feed_topic(Agency.COMMERCE)

    full_name: str
    resident_id_masked: str
    business_kind: str | None


class HealthApplication(FeedApplication):
    """A health certificate application for the health bureau."""

    event_type = "benefits.health_application.v1"
    topic = feed_topic(Agency.HEALTH)

    full_name: str
    resident_id_masked: str


class UrbanConstructionApplication(FeedApplication):
    """A premises or market stall application for urban construction: who asks, for what business."""

    event_type = "benefits.urban_construction_application.v1"
    topic = feed_topic(Agency.URBAN_CONSTRUCTION)

    full_name: str
    business_kind: str | None


class LabourBureauApplication(FeedApplication):
    """A re-employment certificate application for the labour bureau."""

    event_type = "benefits.labour_bureau_application.v1"
    topic = feed_topic(Agency.LABOUR_BUREAU)

    full_name: str
    resident_id_masked: str


FEED_MODELS: dict[Agency, type[FeedApplication]] = {
    Agency.BANK: BankApplication,
    Agency.TAX: TaxApplication,
    Agency.COMMERCE: CommerceApplication,
    Agency.HEALTH: HealthApplication,
    Agency.URBAN_CONSTRUCTION: UrbanConstructionApplication,
    Agency.LABOUR_BUREAU: LabourBureauApplication,
}
"""The one feed message model per agency: its fields are everything that agency ever receives."""


class DecisionReminder(Event):
    """Sent on the agency's own feed (and webhook): an application's decision is due soon."""

    event_type = "benefits.decision_reminder.v1"
    topic = "feed.<agency>"
    source = SOURCE
    subject_field = "application_id"

    application_id: str
    kind: ApplicationKind
    due_on: date
    reminded_at: datetime


class ApplicationRetracted(Event):
    """Sent on the agency's own feed (and webhook): the worker withdrew the application; stop work on it."""

    event_type = "benefits.application_retracted.v1"
    topic = "feed.<agency>"
    source = SOURCE
    subject_field = "application_id"

    application_id: str
    kind: ApplicationKind
    retracted_at: datetime


FEED_NOTICES: tuple[type[Event], ...] = (DecisionReminder, ApplicationRetracted)
"""Messages every agency's feed carries, each published on the topic of the agency it is about."""

EVENTS: tuple[type[Event], ...] = (
    ApplicationSubmitted,
    ApplicationDecided,
    ApplicationReminded,
    ApplicationOverdue,
    ApplicationWithdrawn,
    FeedDeliveryDeadLettered,
    *FEED_MODELS.values(),
    *FEED_NOTICES,
)
