"""What the outside world may know of a `RestructuringPlan` workflow: its id, input and status."""

from enum import StrEnum

from pydantic import BaseModel, Field

WORKFLOW_NAME = "RestructuringPlan"
STATUS_QUERY = "status"

PLAN_EVENT_TYPES = frozenset(
    {
        "intake.restructuring_plan_submitted.v1",
        "intake.congress_vote_recorded.v1",
        "intake.bulk_intake_completed.v1",
    }
)
"""The plan's events the bridge delivers to its workflow (their subject is the plan id)."""


def restructuring_id(plan_id: str) -> str:
    return f"restructuring-{plan_id}"


class PlanProgress(StrEnum):
    AWAITING_VOTE = "awaiting_vote"
    REJECTED = "rejected"
    APPROVED = "approved"
    TAKEN_IN = "taken_in"
    APPROVED_WITHOUT_ROSTER = "approved_without_roster"
    ROSTER_REFUSED = "roster_refused"


class RestructuringInput(BaseModel):
    plan_id: str
    time_scale: float = Field(default=1.0, gt=0)


class RestructuringStatus(BaseModel):
    plan_id: str
    progress: PlanProgress
    revision: int
    reminders_sent: list[str] = []
    case_ids: list[str] = Field(default=[], description="The cases opened from the roster")
    problem: str | None = Field(default=None, description="Why intake refused the roster, if it did")
