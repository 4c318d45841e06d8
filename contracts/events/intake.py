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


class SkillsProfileUpdated(Event):
    """A new version of the worker's skills profile: what matching needs, never health details."""

    event_type = "intake.skills_profile_updated.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    version: int
    education: str
    skills: list[str] = Field(description="Skill names with level, e.g. 'cooking:advanced'")
    certificates: list[str]
    desired_occupations: list[str]
    desired_employment_forms: list[str]
    available_from: date | None = None


class Agency(StrEnum):
    TAX = "tax"
    COMMERCE = "commerce"
    BANK = "bank"
    HEALTH = "health"
    URBAN_CONSTRUCTION = "urban_construction"
    LABOUR_BUREAU = "labour_bureau"


class ConsentGranted(Event):
    """The worker agreed to share their data with an agency for a purpose, until a date."""

    event_type = "intake.consent_granted.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    consent_id: str
    agency: Agency
    purpose: str
    expires_on: date
    granted_at: datetime


class ConsentWithdrawn(Event):
    """The worker withdrew a consent: every feed to that agency must stop carrying this case."""

    event_type = "intake.consent_withdrawn.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    consent_id: str
    agency: Agency
    withdrawn_at: datetime


class GuidanceSessionRecorded(Event):
    """A guidance session was held with the worker (the notes stay in intake)."""

    event_type = "intake.guidance_session_recorded.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    session_id: str
    kind: str = Field(description="ideological_guidance, career_guidance, policy_briefing, group_seminar")
    held_on: date
    assistant_id: str


class PlanStatusChanged(Event):
    """A revision of the individual re-employment plan was proposed, agreed by the worker or approved."""

    event_type = "intake.plan_status_changed.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    revision: int
    track: str = Field(description="training, job_search, entrepreneurship, public_welfare_post")
    status: str = Field(description="proposed, agreed, approved")
    changed_at: datetime


EVENTS: tuple[type[Event], ...] = (
    WorkerRegistered,
    CaseAssigned,
    SkillsProfileUpdated,
    ConsentGranted,
    ConsentWithdrawn,
    GuidanceSessionRecorded,
    PlanStatusChanged,
)
