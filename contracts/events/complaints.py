"""Events of the complaints service, published on `complaints.events`.

Privacy: these events say only that a complaint exists, its category, channel, status and outcome. No
narrative, note, employer detail, attachment or referred agency ever leaves the service in an event.
"""

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from contracts.events import CaseEvent, Event
from contracts.topics import COMPLAINTS_EVENTS

SOURCE = "/services/complaints"


class ComplaintCategory(StrEnum):
    UNPAID_WAGES = "unpaid_wages"
    SOCIAL_INSURANCE_ARREARS = "social_insurance_arrears"
    UNLAWFUL_DISMISSAL = "unlawful_dismissal"
    NO_CONTRACT_ON_TRANSFER = "no_contract_on_transfer"
    PLACEMENT_PLAN_NOT_HONOURED = "placement_plan_not_honoured"
    DISCRIMINATION = "discrimination"
    OTHER = "other"


class ComplaintChannel(StrEnum):
    STATION_WALK_IN = "station_walk_in"
    HOTLINE = "hotline"
    ONLINE = "online"
    AGENCY_REFERRAL = "agency_referral"


class ComplaintStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    REFERRED = "referred"
    CLOSED = "closed"


class ComplaintOutcome(StrEnum):
    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    WITHDRAWN = "withdrawn"


class EscalationLevel(StrEnum):
    SUPERVISOR = "supervisor"
    LABOUR_BUREAU = "labour_bureau"


class ComplaintOpened(CaseEvent):
    """A rights-protection complaint was filed about the worker's case."""

    event_type = "complaints.complaint_opened.v1"
    topic = COMPLAINTS_EVENTS
    source = SOURCE

    complaint_id: str
    category: ComplaintCategory
    channel: ComplaintChannel
    opened_at: datetime = Field(description="When the station received the complaint")


class ComplaintStatusChanged(CaseEvent):
    """The complaint moved in its state machine; every transition, closing included, is one of these."""

    event_type = "complaints.complaint_status_changed.v1"
    topic = COMPLAINTS_EVENTS
    source = SOURCE

    complaint_id: str
    category: ComplaintCategory
    status: ComplaintStatus
    changed_at: datetime


class ComplaintClosed(CaseEvent):
    """The complaint was closed with an outcome (after its `status_changed` to closed)."""

    event_type = "complaints.complaint_closed.v1"
    topic = COMPLAINTS_EVENTS
    source = SOURCE

    complaint_id: str
    category: ComplaintCategory
    outcome: ComplaintOutcome
    closed_at: datetime


class ComplaintEscalated(CaseEvent):
    """A deadline passed and the complaint went up a level (supervisor, then labour bureau): SLA breaches."""

    event_type = "complaints.complaint_escalated.v1"
    topic = COMPLAINTS_EVENTS
    source = SOURCE

    complaint_id: str
    category: ComplaintCategory
    level: EscalationLevel
    escalated_at: datetime


EVENTS: tuple[type[Event], ...] = (
    ComplaintOpened,
    ComplaintStatusChanged,
    ComplaintClosed,
    ComplaintEscalated,
)
