"""Events of the intake service, published on `intake.events`."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from contracts.events import Event
from contracts.topics import INTAKE_EVENTS


class LayoffReason(StrEnum):
    RESTRUCTURING = "restructuring"
    BANKRUPTCY = "bankruptcy"
    CONTRACT_ENDED = "contract_ended"
    OTHER = "other"


class WorkerRegistered(Event):
    """A laid-off worker was registered and a case opened. Carries no contact details (data minimisation)."""

    event_type = "intake.worker_registered.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    community_code: str = Field(description="The worker's community in the caseworker network")
    layoff_date: date
    layoff_reason: LayoffReason
    registered_at: datetime
    hardship_flags: list[str] = Field(
        default=[], description="aged_4050, zero_employment_family, disability, long_term_unemployed"
    )


class AssignmentReason(StrEnum):
    AUTOMATIC = "automatic"
    REASSIGNED = "reassigned"


class CaseAssigned(Event):
    """A case was given to a labour assistant: automatically at registration, or by a supervisor."""

    event_type = "intake.case_assigned.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    assistant_id: str
    previous_assistant_id: str | None = None
    community_code: str = Field(description="The assistant's community")
    reason: AssignmentReason
    assigned_at: datetime


EVENTS: tuple[type[Event], ...] = (WorkerRegistered, CaseAssigned)
