"""The public face of the `ComplaintResolution` workflow: id, signal, query, update and their models,
and what its activities send to and read from the complaints service."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from contracts.events.complaints import ComplaintCategory, ComplaintOutcome, ComplaintStatus, EscalationLevel

WORKFLOW_NAME = "ComplaintResolution"
EVENT_SIGNAL = "complaint_event"
DEADLINES_QUERY = "deadlines"
EXTEND_DEADLINE_UPDATE = "extend_deadline"


def complaint_workflow_id(complaint_id: str) -> str:
    return f"complaint-{complaint_id}"


class ReferralAgency(StrEnum):
    """A competent agency a complaint can be referred to."""

    LABOUR_INSPECTION = "labour_inspection"
    LABOUR_ARBITRATION = "labour_arbitration"
    SOCIAL_INSURANCE = "social_insurance"


class DeadlineKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    RESOLUTION = "resolution"
    REFERRAL_ANSWER = "referral_answer"


class ActionKind(StrEnum):
    """What the workflow records on a complaint for people to act on."""

    REMINDER = "reminder"
    ESCALATION = "escalation"
    SATISFACTION_CHECK = "satisfaction_check"


class WorkingCalendarSpec(BaseModel):
    """The station's calendar: weekends off, public holidays off, make-up working days (调休) on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    public_holidays: tuple[date, ...] = ()
    makeup_working_days: tuple[date, ...] = Field(default=(), description="Weekend days that are worked")
    utc_offset_hours: int = Field(default=8, ge=-12, le=14, description="The station's local time zone")


class ComplaintInput(BaseModel):
    """Start input. `opened_at` and `category` come from the opened event; when the workflow is started by a
    later event, it reads them from the complaints service instead."""

    model_config = ConfigDict(extra="forbid")

    complaint_id: str
    case_id: str
    category: ComplaintCategory | None = None
    opened_at: datetime | None = None
    calendar: WorkingCalendarSpec = WorkingCalendarSpec()
    time_scale: float = Field(default=1.0, gt=0, description="86400 makes one day pass in one second")


class ComplaintEvent(BaseModel):
    """A complaints event the bridge delivers to the workflow (only fields allowed to leave the service)."""

    model_config = ConfigDict(extra="forbid")

    event_id: str
    event_type: str
    status: ComplaintStatus
    occurred_at: datetime


class DeadlineExtension(BaseModel):
    """A supervisor grants more working days for the deadline now running."""

    model_config = ConfigDict(extra="forbid")

    working_days: int
    reason: str


class DeadlineView(BaseModel):
    kind: DeadlineKind
    due_at: datetime
    round: int


class ComplaintDeadlines(BaseModel):
    """Answer of the deadlines query: the complaint's own clock and the deadline now running."""

    complaint_id: str
    status: ComplaintStatus
    now: datetime = Field(description="The complaint's clock (scaled) as of the workflow's last step")
    running: DeadlineView | None
    escalation_level: EscalationLevel | None
    satisfaction_check_due_at: datetime | None


class ComplaintActionRequest(BaseModel):
    """What an activity asks the service to record; `action_key` makes the call idempotent."""

    model_config = ConfigDict(extra="forbid")

    kind: ActionKind
    deadline_kind: DeadlineKind | None = None
    level: EscalationLevel | None = Field(default=None, description="Set for escalations")
    due_at: datetime = Field(description="The deadline (reminders, escalations) or when the check is due")


class ComplaintAction(ComplaintActionRequest):
    action_key: str
    complaint_id: str
    recorded_at: datetime


class RecordComplaintAction(BaseModel):
    """Activity input."""

    model_config = ConfigDict(extra="forbid")

    complaint_id: str
    action_key: str
    action: ComplaintActionRequest


class ProgressRequest(BaseModel):
    """Activity input."""

    model_config = ConfigDict(extra="forbid")

    complaint_id: str


class ComplaintProgress(BaseModel):
    """The facts of a complaint the workflow may know: no narrative, notes, employer or attachments."""

    complaint_id: str
    case_id: str
    category: ComplaintCategory
    status: ComplaintStatus
    outcome: ComplaintOutcome | None
    opened_at: datetime
    acknowledged_at: datetime | None
    referred_to: ReferralAgency | None
    referred_at: datetime | None
    closed_at: datetime | None
    escalation_level: EscalationLevel | None


class ComplaintResolutionResult(BaseModel):
    complaint_id: str
    acknowledged_late: bool
    escalations: int
    referrals: int
    satisfaction_check_due_at: datetime
