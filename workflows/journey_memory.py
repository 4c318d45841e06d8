"""What a journey remembers besides its stage: the work it is in, its follow-ups, its deadlines, and the
actions it has queued for the workflow to perform. Plain data, carried whole across continue-as-new."""

from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from contracts.journey import FollowUpStatus


class Employment(BaseModel):
    kind: Literal["hire", "business"]
    subject_id: str
    started_at: datetime
    has_labour_contract: bool = False
    social_insurance: bool = False
    licence_reference: str | None = None
    monthly_income_yuan: int | None = None
    ended_at: datetime | None = None


class FollowUp(BaseModel):
    sequence: int
    subject_kind: Literal["hire", "business"]
    subject_id: str
    task_key: str
    due_at: datetime
    status: FollowUpStatus = FollowUpStatus.SCHEDULED

    def pending(self) -> bool:
        return self.status not in (FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED)


class DeadlineKind(StrEnum):
    EMPLOYMENT_STARTS = "employment_starts"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_REMIND = "follow_up_remind"
    FOLLOW_UP_ESCALATE = "follow_up_escalate"
    STABILITY_CHECK = "stability_check"
    JOB_SEARCH_REVIEW = "job_search_review"
    ZERO_EMPLOYMENT_RECOMMENDATION = "zero_employment_recommendation"
    OUTCOME_Q2 = "outcome_q2"
    OUTCOME_Q4 = "outcome_q4"


class Deadline(BaseModel):
    kind: DeadlineKind
    at: datetime
    key: str = ""


class PublishEvent(BaseModel):
    action: Literal["publish"] = "publish"
    event_type: str
    data: dict[str, Any]
    causation_id: str | None = None
    correlation_id: str | None = None


class CreateFollowUpTask(BaseModel):
    action: Literal["create_follow_up_task"] = "create_follow_up_task"
    task_key: str
    case_id: str
    due_on: date
    sequence: int
    subject_kind: Literal["hire", "business"]
    subject_id: str
    assistant_id: str | None


class CancelFollowUpTask(BaseModel):
    action: Literal["cancel_follow_up_task"] = "cancel_follow_up_task"
    task_key: str
    reason: str


class ApplyForPolicySupport(BaseModel):
    """Apply, on the worker's behalf, for policy support the work just started entitles them to; the
    benefits service routes it to the competent agency if the worker consented to share with it."""

    action: Literal["apply_for_policy_support"] = "apply_for_policy_support"
    application_key: str
    case_id: str
    kind: str
    assistant_id: str | None
    business_kind: str | None = None


Action = Annotated[
    PublishEvent | CreateFollowUpTask | CancelFollowUpTask | ApplyForPolicySupport,
    Field(discriminator="action"),
]


def midnight(value: str | date) -> datetime:
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return datetime.combine(day, time(0), UTC)


def end_of_quarter_after(moment: datetime, quarters: int) -> datetime:
    """The end of the `quarters`-th quarter after the one `moment` falls in (WIOA's 2nd and 4th quarter)."""
    index = moment.year * 4 + (moment.month - 1) // 3 + quarters + 1
    return datetime(index // 4, (index % 4) * 3 + 1, 1, tzinfo=UTC)
