"""Events of the worker's journey, published on `journey.events` (written through intake's outbox)."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from contracts.events import CaseEvent, Event
from contracts.journey import JourneyStage
from contracts.topics import JOURNEY_EVENTS

SOURCE = "/services/journey"


class JourneyStageChanged(CaseEvent):
    """The journey moved to another stage; `sequence` grows with every change, so readers keep the newest."""

    event_type = "journey.stage_changed.v1"
    topic = JOURNEY_EVENTS
    source = SOURCE

    stage: JourneyStage
    previous_stage: JourneyStage | None
    sequence: int = Field(ge=1)
    reason: str = Field(description="What moved it: the event type or the caseworker action")
    exit_reason: str | None = Field(
        default=None, description="On stable_employment and exited: why the worker left the programme"
    )
    changed_at: datetime


class FollowUpOverdue(CaseEvent):
    """A follow-up is not recorded some days after it was due: the labour assistant is reminded."""

    event_type = "journey.follow_up_overdue.v1"
    topic = JOURNEY_EVENTS
    source = SOURCE

    task_key: str
    sequence: int
    due_on: date
    assistant_id: str | None
    noticed_at: datetime


class FollowUpEscalated(CaseEvent):
    """A follow-up is still not recorded well after it was due: it goes to the supervisor."""

    event_type = "journey.follow_up_escalated.v1"
    topic = JOURNEY_EVENTS
    source = SOURCE

    task_key: str
    sequence: int
    due_on: date
    assistant_id: str | None
    escalated_at: datetime


class ReviewKind(StrEnum):
    JOB_SEARCH_STALLED = "job_search_stalled"
    ZERO_EMPLOYMENT_RECOMMENDATION_OVERDUE = "zero_employment_recommendation_overdue"
    PLAN_REVIEW_AFTER_TRAINING = "plan_review_after_training"
    STABILITY_NOT_MET = "stability_not_met"


class ReviewDue(CaseEvent):
    """The case needs a labour assistant's review (a policy timer ran out, or a training ended unfinished)."""

    event_type = "journey.review_due.v1"
    topic = JOURNEY_EVENTS
    source = SOURCE

    kind: ReviewKind
    assistant_id: str | None
    detail: str = ""
    due_at: datetime


class OutcomeIndicator(StrEnum):
    EMPLOYED_Q2_AFTER_EXIT = "employed_q2_after_exit"
    EMPLOYED_Q4_AFTER_EXIT = "employed_q4_after_exit"
    EARNINGS_Q2_AFTER_EXIT = "earnings_q2_after_exit"
    CREDENTIAL_ATTAINED = "credential_attained"


class OutcomeMeasured(CaseEvent):
    """One WIOA-style outcome indicator of a worker who left the programme; the dashboard aggregates them."""

    event_type = "journey.outcome_measured.v1"
    topic = JOURNEY_EVENTS
    source = SOURCE

    indicator: OutcomeIndicator
    exit_stage: JourneyStage
    exit_quarter: str = Field(pattern=r"^[0-9]{4}Q[1-4]$")
    employed: bool | None = None
    earnings_yuan: int | None = Field(default=None, description="Quarterly earnings (EARNINGS indicator)")
    credential: bool | None = None
    measured_at: datetime


EVENTS: tuple[type[Event], ...] = (
    JourneyStageChanged,
    FollowUpOverdue,
    FollowUpEscalated,
    ReviewDue,
    OutcomeMeasured,
)
