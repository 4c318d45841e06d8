"""Request and response models of the training API."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.events.training import FailureReason, WithdrawalReason
from contracts.occupations import OccupationArea
from services.training.domain import (
    DEFAULT_MINIMUM_ATTENDANCE,
    Accreditation,
    AccreditationAction,
    ClassStatus,
    EnrolmentStatus,
    ProviderKind,
)

Id = Annotated[str, Field(min_length=36, max_length=36)]
CODE = r"^[A-Za-z0-9-]{2,32}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("must carry a time zone, e.g. 2026-12-01T09:00:00+08:00")
    return moment


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]


class Contact(Strict):
    name: str = Field(min_length=1, max_length=50)
    role: str = Field(min_length=1, max_length=50, examples=["principal", "training coordinator"])
    phone: str = Field(pattern=r"^[0-9+\-() ]{5,20}$", examples=["13800138000", "010-6512 3456"])


class ProviderIn(Strict):
    name: str = Field(min_length=1, max_length=200, examples=["中山区职业技术学校"])
    kind: ProviderKind
    address: str = Field(min_length=1, max_length=300)
    contacts: list[Contact] = Field(min_length=1, max_length=10)


class ProviderOut(BaseModel):
    provider_id: str
    name: str
    kind: ProviderKind
    address: str
    contacts: list[Contact]
    accreditation: Accreditation
    accredited_until: date | None
    registered_at: datetime


class AccreditationChange(Strict):
    """`accredit` and `reinstate` need `valid_until`; `suspend` and `revoke` take none."""

    action: AccreditationAction
    valid_until: date | None = None

    @model_validator(mode="after")
    def _validity_where_needed(self) -> "AccreditationChange":
        granting = self.action in (AccreditationAction.ACCREDIT, AccreditationAction.REINSTATE)
        if granting and self.valid_until is None:
            raise ValueError(f"valid_until is required to {self.action.value}")
        if not granting and self.valid_until is not None:
            raise ValueError(f"valid_until is not taken by {self.action.value}")
        return self


class CompletionRuleIn(Strict):
    minimum_attendance: float = Field(default=DEFAULT_MINIMUM_ATTENDANCE, gt=0, le=1)
    assessment_required: bool = True


class CourseIn(Strict):
    code: str = Field(pattern=CODE, examples=["COOK-CN-4"])
    title: str = Field(min_length=1, max_length=200, examples=["中式烹调师四级"])
    occupation_area: OccupationArea
    hours: int = Field(ge=1, le=2000)
    certificate_name: str = Field(min_length=1, max_length=100, examples=["中式烹调师四级"])
    cost_per_trainee_yuan: int = Field(ge=0, le=100_000, description="Charged to the re-employment fund")
    skills_taught: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(default=[], max_length=30)
    completion_rule: CompletionRuleIn = CompletionRuleIn()


class CourseOut(BaseModel):
    course_id: str
    code: str
    title: str
    occupation_area: OccupationArea
    hours: int
    certificate_name: str
    cost_per_trainee_yuan: int
    skills_taught: list[str]
    completion_rule: CompletionRuleIn
    active: bool
    created_at: datetime


class SessionIn(Strict):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    topic: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _ends_after_start(self) -> "SessionIn":
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class ClassIn(Strict):
    course_id: Id
    venue: str = Field(min_length=1, max_length=300)
    capacity: int = Field(ge=1, le=500)
    enrolment_opens_on: date
    enrolment_closes_on: date
    sessions: list[SessionIn] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _window_before_teaching(self) -> "ClassIn":
        if self.enrolment_closes_on < self.enrolment_opens_on:
            raise ValueError("enrolment_closes_on must not be before enrolment_opens_on")
        first = min(session.starts_at for session in self.sessions)
        if self.enrolment_opens_on > first.date():
            raise ValueError("enrolment must open before the first session")
        return self


class SessionOut(BaseModel):
    session_id: str
    number: int
    starts_at: datetime
    ends_at: datetime
    topic: str


class ClassOut(BaseModel):
    class_id: str
    provider_id: str
    course_id: str
    course_title: str
    occupation_area: OccupationArea
    venue: str
    capacity: int
    enrolled: int
    waitlisted: int
    places_left: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    starts_on: date
    ends_on: date
    status: ClassStatus
    sessions: list[SessionOut]
    scheduled_at: datetime
    concluded_at: datetime | None


class ClassQuery(Strict):
    provider_id: Id | None = None
    course_id: Id | None = None
    occupation_area: OccupationArea | None = None
    status: ClassStatus | None = None
    open_for_enrolment_on: date | None = Field(
        default=None, description="Only classes taking enrolments then"
    )


class EnrolmentRequest(Strict):
    case_id: Id
    assistant_id: Id | None = Field(
        default=None,
        description="The labour assistant enrolling the worker; a labour assistant's own token names them",
    )


class EnrolmentOut(BaseModel):
    enrolment_id: str
    class_id: str
    case_id: str
    assistant_id: str
    status: EnrolmentStatus
    waitlist_position: int | None = Field(description="1 is next to be promoted; null when not waiting")
    requested_at: datetime
    enrolled_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: WithdrawalReason | None
    attendance_rate: float | None
    assessment_passed: bool | None
    failure_reason: FailureReason | None
    finished_at: datetime | None
    certificate_number: str | None


SERVICE_REASONS = (
    WithdrawalReason.CLASS_CONCLUDED,
    WithdrawalReason.CLASS_CANCELLED,
    WithdrawalReason.CASE_CLOSED,
)


class Withdrawal(Strict):
    reason: WithdrawalReason = Field(
        description="Any reason but class_concluded, class_cancelled and case_closed, which the service sets"
    )
    note: str | None = Field(default=None, max_length=500)

    @field_validator("reason")
    @classmethod
    def _given_by_people(cls, reason: WithdrawalReason) -> WithdrawalReason:
        if reason in SERVICE_REASONS:
            raise ValueError(f"{reason.value} is set by the service, not given")
        return reason


class WithdrawalOut(BaseModel):
    withdrawn: EnrolmentOut
    promoted: EnrolmentOut | None = Field(description="Who took the freed place from the waitlist")


class ClassCancellation(Strict):
    reason: str = Field(min_length=1, max_length=500, examples=["the venue is under repair"])


class CancellationOut(BaseModel):
    class_id: str
    cancelled_at: datetime
    withdrawn: int = Field(description="Workers withdrawn from the class or its waitlist")


class AttendanceMarkIn(Strict):
    enrolment_id: Id
    present: bool


class AttendanceSheet(Strict):
    marks: list[AttendanceMarkIn] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _one_mark_each(self) -> "AttendanceSheet":
        ids = [mark.enrolment_id for mark in self.marks]
        if len(set(ids)) != len(ids):
            raise ValueError("each enrolment may be marked once per sheet")
        return self


class AttendanceOut(BaseModel):
    class_id: str
    session_id: str
    number: int
    marked: int
    present: int


class AssessmentResult(Strict):
    enrolment_id: Id
    passed: bool


class ClassResults(Strict):
    """The assessment result of every worker enrolled; attendance is already recorded per session."""

    assessments: list[AssessmentResult] = Field(max_length=500)

    @model_validator(mode="after")
    def _one_result_each(self) -> "ClassResults":
        ids = [result.enrolment_id for result in self.assessments]
        if len(set(ids)) != len(ids):
            raise ValueError("each enrolment may have one result")
        return self


class ClassResultsOut(BaseModel):
    class_id: str
    concluded_at: datetime
    completed: list[EnrolmentOut]
    failed: list[EnrolmentOut]


class CertificateOut(BaseModel):
    certificate_number: str
    enrolment_id: str
    case_id: str
    course_id: str
    certificate_name: str
    occupation_area: OccupationArea
    issued_at: datetime


class ReasonOut(BaseModel):
    code: str = Field(description="vacancy_demand, no_demand, skill_gap, certificate_gap, desired_occupation")
    text: str


class RecommendationOut(BaseModel):
    course_id: str
    title: str
    occupation_area: OccupationArea
    certificate_name: str
    score: int
    reasons: list[ReasonOut]
    open_class_ids: list[str] = Field(description="Classes of the course taking enrolments today")


class RecommendationsOut(BaseModel):
    case_id: str
    profile_version: int = Field(description="0 when intake has published no skills profile yet")
    recommendations: list[RecommendationOut]


class StatisticsGrouping(StrEnum):
    PROVIDER = "provider"
    COURSE = "course"
    MONTH = "month"


class StatisticsQuery(Strict):
    concluded_from: date | None = None
    concluded_to: date | None = None
    group_by: StatisticsGrouping = StatisticsGrouping.PROVIDER

    @model_validator(mode="after")
    def _ordered(self) -> "StatisticsQuery":
        if self.concluded_from and self.concluded_to and self.concluded_to < self.concluded_from:
            raise ValueError("concluded_to must not be before concluded_from")
        return self


class StatisticsRow(BaseModel):
    key: str
    label: str
    classes_held: int
    person_times: int = Field(description="Trainees who stayed to the end of a class (completed or failed)")
    completed: int
    completion_rate: float
    cost_yuan: int = Field(
        description="Cost per trainee times person-times, charged to the re-employment fund"
    )


class StatisticsOut(BaseModel):
    group_by: StatisticsGrouping
    concluded_from: date | None
    concluded_to: date | None
    totals: StatisticsRow
    rows: list[StatisticsRow]
