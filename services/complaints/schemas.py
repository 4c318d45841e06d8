"""Request and response models of the complaints API."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from contracts.complaint_workflow import ComplaintAction, ReferralAgency
from contracts.events.complaints import (
    ComplaintCategory,
    ComplaintChannel,
    ComplaintOutcome,
    ComplaintStatus,
    EscalationLevel,
)
from services.complaints.domain import AgencyFinding, check_credit_code

ID = Field(min_length=36, max_length=36)


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


Text = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_not_blank)]
ShortText = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_not_blank)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Employer(Request):
    name: str = Field(min_length=1, max_length=200, examples=["宏达纺织有限公司"])
    credit_code: Annotated[str, AfterValidator(check_credit_code)] | None = Field(
        default=None, description="Unified social credit code (统一社会信用代码), check character verified"
    )


class AttachmentIn(Request):
    """Metadata of a document (payslip, contract, photo) stored in the document store."""

    file_name: str = Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")
    media_type: str = Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$", examples=["application/pdf"])
    size_bytes: int = Field(ge=1, le=52_428_800)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ComplaintFiling(Request):
    """A complaint from any channel."""

    case_id: str = ID
    category: ComplaintCategory
    channel: ComplaintChannel
    referring_agency: str | None = Field(
        default=None, min_length=1, max_length=100, description="Required when the channel is agency_referral"
    )
    employer: Employer
    narrative: Text
    received_at: AwareDatetime | None = Field(
        default=None,
        description="When the station received it (a call or letter logged later); now if absent",
    )
    attachments: list[AttachmentIn] = Field(default=[], max_length=20)

    @model_validator(mode="after")
    def _referral_names_agency(self) -> "ComplaintFiling":
        if (self.channel is ComplaintChannel.AGENCY_REFERRAL) != (self.referring_agency is not None):
            raise ValueError("referring_agency is required for agency_referral and only for it")
        return self


class Acknowledgement(Request):
    officer_id: str = Field(
        min_length=1, max_length=36, description="The rights officer taking the complaint"
    )


class ReferralIn(Request):
    agency: ReferralAgency
    note: ShortText


class Resolution(Request):
    outcome: ComplaintOutcome = Field(description="upheld, partially_upheld or not_upheld")
    summary: ShortText

    @model_validator(mode="after")
    def _not_withdrawn(self) -> "Resolution":
        if self.outcome is ComplaintOutcome.WITHDRAWN:
            raise ValueError("a withdrawal is recorded with POST /complaints/{id}/withdrawal")
        return self


class Withdrawal(Request):
    reason: ShortText


class AgencyAnswer(Request):
    finding: AgencyFinding
    answer: ShortText


class ExtensionIn(Request):
    working_days: int = Field(ge=1, le=30, description="Working days added to the deadline now running")
    reason: ShortText


class NoteIn(Request):
    author_id: str = Field(min_length=1, max_length=100)
    text: Text


class SatisfactionIn(Request):
    score: int = Field(ge=1, le=5, description="1 very dissatisfied … 5 very satisfied")
    comment: str = Field(default="", max_length=1000)


class NoteOut(BaseModel):
    note_id: str
    author_role: str
    author_id: str
    text: str
    written_at: datetime


class AttachmentOut(AttachmentIn):
    attachment_id: str
    added_at: datetime


class ReferralOut(BaseModel):
    referral_id: str
    agency: ReferralAgency
    note: str
    referred_at: datetime
    finding: AgencyFinding | None
    answer: str | None
    answered_at: datetime | None


class StatusChangeOut(BaseModel):
    from_status: ComplaintStatus | None
    to_status: ComplaintStatus
    action: str
    actor_role: str
    changed_at: datetime


class Satisfaction(BaseModel):
    score: int
    comment: str
    recorded_at: datetime


class ComplaintSummary(BaseModel):
    """What a list shows: no narrative, employer or notes."""

    complaint_id: str
    case_id: str
    category: ComplaintCategory
    channel: ComplaintChannel
    status: ComplaintStatus
    escalation_level: EscalationLevel | None
    officer_id: str | None
    referred_to: ReferralAgency | None
    received_at: datetime


class ComplaintDetails(ComplaintSummary):
    """Everything about a complaint: for rights officers, supervisors and the agency it was referred to."""

    referring_agency: str | None
    employer: Employer
    narrative: str
    outcome: ComplaintOutcome | None
    resolution_summary: str | None
    filed_at: datetime
    acknowledged_at: datetime | None
    referred_at: datetime | None
    closed_at: datetime | None
    satisfaction: Satisfaction | None
    notes: list[NoteOut]
    attachments: list[AttachmentOut]
    referrals: list[ReferralOut]
    actions: list[ComplaintAction]
    history: list[StatusChangeOut]
    version: int


class ComplaintQuery(BaseModel):
    """Filters of the station's complaint list; every given filter must match."""

    model_config = ConfigDict(extra="forbid")

    status: ComplaintStatus | None = None
    category: ComplaintCategory | None = None
    case_id: str | None = Field(default=None, min_length=36, max_length=36)
    officer_id: str | None = Field(default=None, max_length=36)
    escalation_level: EscalationLevel | None = None
    after: str | None = Field(default=None, max_length=36, description="`next_after` of the previous page")
    limit: int = Field(default=50, ge=1, le=200)


class ComplaintPage(BaseModel):
    complaints: list[ComplaintSummary]
    next_after: str | None = Field(description="Pass back as `after` for the next page")
