"""Events of the intake service, published on `intake.events`."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from contracts.events import CaseEvent, Event
from contracts.topics import INTAKE_EVENTS


class LayoffReason(StrEnum):
    RESTRUCTURING = "restructuring"
    BANKRUPTCY = "bankruptcy"
    CONTRACT_ENDED = "contract_ended"
    OTHER = "other"


class WorkerRegistered(CaseEvent):
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
    restructuring_plan_id: str | None = Field(default=None, description="Set when taken in from a plan")


class AssignmentReason(StrEnum):
    AUTOMATIC = "automatic"
    REASSIGNED = "reassigned"


class AssistantRegistered(Event):
    """A labour assistant joined the caseworker network: who they are, where they serve, how many open
    cases they may carry. Carries no contact details."""

    event_type = "intake.assistant_registered.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"
    subject_field = "assistant_id"

    assistant_id: str
    name: str = Field(description="The name staff know the assistant by, e.g. 李娟")
    community_code: str = Field(description="The community the assistant serves")
    street_code: str = Field(description="The street of that community")
    capacity: int = Field(description="Most open cases the assistant carries")
    registered_at: datetime


class CaseAssigned(CaseEvent):
    """A case was given to a labour assistant: automatically at registration, or by a supervisor."""

    event_type = "intake.case_assigned.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    assistant_id: str
    previous_assistant_id: str | None = None
    community_code: str = Field(description="The assistant's community")
    reason: AssignmentReason
    assigned_at: datetime


class SkillsProfileUpdated(CaseEvent):
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


class ConsentGranted(CaseEvent):
    """The worker agreed to share their data with an agency for a purpose, until a date."""

    event_type = "intake.consent_granted.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    consent_id: str
    agency: Agency
    purpose: str
    expires_on: date
    granted_at: datetime


class ConsentWithdrawn(CaseEvent):
    """The worker withdrew a consent: every feed to that agency must stop carrying this case."""

    event_type = "intake.consent_withdrawn.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    consent_id: str
    agency: Agency
    withdrawn_at: datetime


class GuidanceSessionRecorded(CaseEvent):
    """A guidance session was held with the worker (the notes stay in intake)."""

    event_type = "intake.guidance_session_recorded.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    session_id: str
    kind: str = Field(description="ideological_guidance, career_guidance, policy_briefing, group_seminar")
    held_on: date
    assistant_id: str


class PlanStatusChanged(CaseEvent):
    """A revision of the individual re-employment plan was proposed, agreed by the worker or approved."""

    event_type = "intake.plan_status_changed.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    revision: int
    track: str = Field(description="training, job_search, entrepreneurship, public_welfare_post")
    status: str = Field(description="proposed, agreed, approved")
    changed_at: datetime


class RestructuringPlanSubmitted(Event):
    """An enterprise submitted (or, after a rejection, resubmitted) its placement and diversion plan."""

    event_type = "intake.restructuring_plan_submitted.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"
    subject_field = "plan_id"

    plan_id: str
    enterprise_code: str
    affected_workers: int
    revision: int
    submitted_at: datetime
    congress_vote_deadline: date | None = None


class CongressVoteRecorded(Event):
    """The worker congress voted on a plan; `passed` applies the policy's voting rule."""

    event_type = "intake.congress_vote_recorded.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"
    subject_field = "plan_id"

    plan_id: str
    revision: int
    congress_members: int
    members_present: int
    votes_for: int
    votes_against: int
    abstentions: int
    voting_rule: str
    passed: bool


class CongressVoteReminded(Event):
    """The worker congress was reminded that its vote on a plan is due (`days_left` 0: due today)."""

    event_type = "intake.congress_vote_reminded.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"
    subject_field = "plan_id"

    plan_id: str
    revision: int
    congress_vote_deadline: date | None
    days_left: int
    reminded_at: datetime


class BulkIntakeCompleted(Event):
    """Workers affected by an approved plan were taken in, one case each, in one batch."""

    event_type = "intake.bulk_intake_completed.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"
    subject_field = "plan_id"

    plan_id: str
    batch_id: str
    workers: int


class ClosureReason(StrEnum):
    STABLE_EMPLOYMENT = "stable_employment"
    MOVED_AWAY = "moved_away"
    RETIRED = "retired"
    DECEASED = "deceased"
    DECLINED_SERVICE = "declined_service"
    OTHER = "other"


class CaseClosed(CaseEvent):
    """The case was closed; its records stay and it can be re-opened."""

    event_type = "intake.case_closed.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    reason: ClosureReason
    closed_at: datetime


class CaseReopened(CaseEvent):
    """A closed case was opened again, with all its history."""

    event_type = "intake.case_reopened.v1"
    topic = INTAKE_EVENTS
    source = "/services/intake"

    reason: str
    reopened_at: datetime


EVENTS: tuple[type[Event], ...] = (
    WorkerRegistered,
    AssistantRegistered,
    CaseAssigned,
    SkillsProfileUpdated,
    ConsentGranted,
    ConsentWithdrawn,
    GuidanceSessionRecorded,
    PlanStatusChanged,
    RestructuringPlanSubmitted,
    CongressVoteRecorded,
    CongressVoteReminded,
    BulkIntakeCompleted,
    CaseClosed,
    CaseReopened,
)
