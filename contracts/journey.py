"""What the outside world may know of a `ReemploymentJourney`: its id, stages, signals and queries."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

TASK_QUEUE = "reemploy-journeys"
WORKFLOW_NAME = "ReemploymentJourney"
EVENT_SIGNAL = "domain_event"
STATUS_QUERY = "status"


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


class JourneyStatus(BaseModel):
    """Answer of the journey's status query."""

    model_config = ConfigDict(extra="forbid")

    case_id: str
    stage: JourneyStage
    stage_since: datetime
    events_applied: int


class JourneyInput(BaseModel):
    """Start (or continue-as-new) input of a journey."""

    case_id: str


class JourneyEvent(BaseModel):
    """A domain event about the case, delivered to its journey as a signal by the bridge."""

    event_id: str
    event_type: str
    occurred_at: datetime
    data: dict[str, Any]
