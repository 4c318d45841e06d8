"""What the outside world may know of a `ReemploymentJourney`: id, stages, signals, updates, queries."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

TASK_QUEUE = "reemploy-journeys"
WORKFLOW_NAME = "ReemploymentJourney"
EVENT_SIGNAL = "domain_event"
EVENTS_SIGNAL = "domain_events"
"""Several events of one case in the order they were published, in one signal (`EVENT_SIGNAL` carries one)."""
STATUS_QUERY = "status"
TIMELINE_QUERY = "timeline"
RECORD_EXIT_UPDATE = "record_exit"
CLOSE_AS_STABLE_UPDATE = "close_as_stable"
RECORD_PROGRESS_UPDATE = "record_job_search_progress"

SEARCH_ATTRIBUTES: dict[str, str] = {
    "JourneyStage": "Keyword",
    "CommunityCode": "Keyword",
    "AssistantId": "Keyword",
    "HardshipFlags": "KeywordList",
}
"""Search attributes every journey keeps current, so `temporal workflow list --query` finds journeys."""


def journey_id(case_id: str) -> str:
    return f"journey-{case_id}"


class JourneyStage(StrEnum):
    ASSESSMENT = "assessment"
    GUIDANCE_AND_PLAN = "guidance_and_plan"
    TRAINING = "training"
    JOB_SEARCH = "job_search"
    PLACED = "placed"
    BUSINESS_STARTED = "business_started"
    FOLLOW_UP = "follow_up"
    STABLE_EMPLOYMENT = "stable_employment"
    EXITED = "exited"


CLOSED_STAGES = frozenset({JourneyStage.STABLE_EMPLOYMENT, JourneyStage.EXITED})


class ExitReason(StrEnum):
    MOVED_AWAY = "moved_away"
    RETIRED = "retired"
    DECEASED = "deceased"
    DECLINED_SERVICE = "declined_service"


class FollowUpStatus(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class FollowUpView(BaseModel):
    """One follow-up at a set interval after a hire or a business start."""

    sequence: int
    subject_kind: str = Field(description="hire or business")
    subject_id: str
    task_key: str = Field(description="The placement service's follow-up task key")
    due_at: datetime
    status: FollowUpStatus


class JourneyStatus(BaseModel):
    """Answer of the journey's status query."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    stage: JourneyStage
    stage_since: datetime
    events_applied: int
    follow_ups: list[FollowUpView] = []
    employed_since: datetime | None = None
    open_complaints: int = 0
    stable_employment_due: datetime | None = Field(
        default=None, description="When the stability period of the current work ends"
    )


class TimelineEntry(BaseModel):
    at: datetime
    stage: JourneyStage
    kind: str = Field(description="The event type, or a journey happening (stage_changed, follow_up_due…)")
    detail: str = ""


class JourneyTimeline(BaseModel):
    """Answer of the timeline query: what happened to the worker, oldest first."""

    case_id: str
    entries: list[TimelineEntry]


class JourneyInput(BaseModel):
    """Start (or continue-as-new) input of a journey.

    `time_scale` compresses every interval of the policy (86400: one day passes in one second), for demos and
    simulations. `carried` is the journey's own memory handed over by continue-as-new; nobody else sets it.
    """

    case_id: str
    time_scale: float = Field(default=1.0, gt=0)
    search_attributes: bool = Field(
        default=True, description="False only on a server that cannot register them (the time-skipping one)"
    )
    carried: dict[str, Any] | None = None


class JourneyEvent(BaseModel):
    """A domain event about the case, delivered to its journey as a signal by the bridge."""

    event_id: str
    event_type: str
    occurred_at: datetime
    data: dict[str, Any]
    correlation_id: str | None = None


class ExitRequest(BaseModel):
    """A labour assistant records that the worker leaves the programme without stable employment."""

    model_config = ConfigDict(extra="forbid")

    reason: ExitReason
    note: str = Field(default="", max_length=2000)


class StableClosureRequest(BaseModel):
    """A labour assistant closes the case as stable employment; refused before the stability rule holds."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000)


class ProgressNote(BaseModel):
    """A labour assistant records progress in job search (a contact, an interview), which resets its timer."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=2000)


class UpdateOutcome(BaseModel):
    stage: JourneyStage
    stage_since: datetime
