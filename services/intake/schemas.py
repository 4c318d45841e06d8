"""Request and response models of the intake API."""

from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from contracts.events.intake import Agency, ClosureReason, LayoffReason
from contracts.journey import JourneyStage
from services.intake import domain
from services.intake.domain import HardshipFlag, PlanStatus, RestructuringStatus
from services.intake.resident_id import ResidentId, Sex
from services.intake.resident_id import parse as parse_resident_id


def _today() -> date:
    return datetime.now(UTC).date()


def _carried(info: ValidationInfo) -> ResidentId | None:
    """The resident ID parsed earlier in this validation, if it was valid."""
    number = info.data.get("resident_id")
    return parse_resident_id(number, today=_today()) if number else None


class Household(BaseModel):
    """Who in the worker's household is of working age and employed; the worker counts as not employed."""

    model_config = ConfigDict(extra="forbid")

    members_of_working_age: int = Field(ge=1, le=30)
    employed_members_of_working_age: int = Field(ge=0, le=30)

    @model_validator(mode="after")
    def _employed_within_members(self) -> "Household":
        if self.employed_members_of_working_age > self.members_of_working_age - 1:
            raise ValueError(
                "employed members cannot exceed the members of working age other than the worker"
            )
        return self


class WorkerRegistration(BaseModel):
    """A laid-off worker to register."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    resident_id: str = Field(
        max_length=18,
        examples=["11010519491231002X"],
        description="GB 11643 resident ID number; full-width characters and a first-generation 15-digit "
        "number are accepted and stored as the 18-character form",
    )
    birth_date: date | None = Field(default=None, description="If given, must match the resident ID")
    sex: Sex | None = Field(default=None, description="If given, must match the resident ID")
    full_name: str = Field(min_length=1, max_length=50, examples=["张伟"])
    mobile: str = Field(examples=["13800138000"], description="Mainland mobile number")
    community_code: str = Field(pattern=r"^[A-Za-z0-9-]{2,32}$", examples=["ZS-01"])
    layoff_date: date
    layoff_reason: LayoffReason
    household: Household | None = Field(default=None, description="For the zero-employment-family flag")
    disability: bool = False
    long_term_unemployed: bool = False

    @field_validator("resident_id")
    @classmethod
    def _resident_id(cls, value: str) -> str:
        return parse_resident_id(value, today=_today()).number

    @field_validator("birth_date")
    @classmethod
    def _birth_date(cls, value: date, info: ValidationInfo) -> date:
        carried = _carried(info)
        if carried is not None and carried.birth_date != value:
            raise ValueError("does not match the birth date in the resident ID")
        return value

    @field_validator("sex")
    @classmethod
    def _sex(cls, value: Sex, info: ValidationInfo) -> Sex:
        carried = _carried(info)
        if carried is not None and carried.sex != value:
            raise ValueError("does not match the sex in the resident ID")
        return value

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return domain.normalise_name(value)

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        return domain.check_mobile(value)

    @field_validator("layoff_date")
    @classmethod
    def _layoff_date(cls, value: date, info: ValidationInfo) -> date:
        domain.check_layoff_date(value, _today())
        carried = _carried(info)
        return value if carried is None else domain.check_layoff_age(carried.birth_date, value)

    def identity(self) -> ResidentId:
        return parse_resident_id(self.resident_id, today=_today())

    def hardship_flags(self) -> list[HardshipFlag]:
        identity = self.identity()
        household = self.household
        return domain.hardship_flags(
            sex=identity.sex,
            birth_date=identity.birth_date,
            layoff_date=self.layoff_date,
            zero_employment_family=household is not None
            and domain.is_zero_employment_family(
                household.employed_members_of_working_age, household.members_of_working_age
            ),
            disability=self.disability,
            long_term_unemployed=self.long_term_unemployed,
        )


class RegisteredWorker(BaseModel):
    case_id: str
    full_name: str = Field(examples=["王秀兰"], description="As registered; staff need it to serve them")
    resident_id_masked: str | None = Field(
        examples=["1101**********002X"], description="None only for cases registered before IDs were required"
    )
    resident_id: str | None = Field(
        default=None,
        description="The full number: only on reading one case, for callers holding `cases:read_resident_id`",
    )
    birth_date: date | None
    sex: Sex | None
    hardship_flags: list[HardshipFlag]
    community_code: str
    assistant_id: str | None = Field(description="None while no assistant of the street has room")
    layoff_date: date
    layoff_reason: LayoffReason
    status: str
    registered_at: datetime
    journey_stage: JourneyStage | None = Field(
        default=None, description="The journey stage, as the journey last published it"
    )


class JourneyEventReceipt(BaseModel):
    event_id: str
    kept: bool = Field(description="False when the event was kept before (a repeat, answered with 200)")


CODE = r"^[A-Za-z0-9-]{2,32}$"


class StreetIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    street_code: str = Field(pattern=CODE, examples=["ZS"])
    name: str = Field(min_length=1, max_length=100, examples=["中山街道"])


class CommunityIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    community_code: str = Field(pattern=CODE, examples=["ZS-01"])
    street_code: str = Field(pattern=CODE, examples=["ZS"])
    name: str = Field(min_length=1, max_length=100, examples=["东风社区"])


class AssistantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=50, examples=["李娟"])
    community_code: str = Field(pattern=CODE, examples=["ZS-01"])
    capacity: int = Field(ge=1, le=1000, examples=[60], description="Most open cases this assistant carries")


class AssistantOut(BaseModel):
    assistant_id: str
    name: str
    community_code: str
    capacity: int
    open_cases: int


class Reassignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assistant_id: str = Field(min_length=36, max_length=36)


class Caseload(BaseModel):
    assistant_id: str
    name: str
    community_code: str
    capacity: int
    open_cases: int
    case_ids: list[str]


class Education(StrEnum):
    PRIMARY = "primary"
    JUNIOR_SECONDARY = "junior_secondary"
    SENIOR_SECONDARY = "senior_secondary"
    VOCATIONAL = "vocational"
    COLLEGE = "college"
    BACHELOR = "bachelor"
    POSTGRADUATE = "postgraduate"


class SkillLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"
    EXPERT = "expert"


class EmploymentForm(StrEnum):
    FULL_TIME = "full_time"
    HOURLY = "hourly"
    SEASONAL = "seasonal"
    PART_TIME = "part_time"
    SELF_EMPLOYMENT = "self_employment"
    PUBLIC_WELFARE_POST = "public_welfare_post"


class Skill(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=60, examples=["cooking"])
    level: SkillLevel


class Certificate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=100, examples=["中式烹调师四级"])
    number: str | None = Field(default=None, max_length=60)
    issued_on: date | None = None


class WorkPeriod(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    employer: str = Field(min_length=1, max_length=100)
    occupation: str = Field(min_length=1, max_length=60)
    started_on: date
    ended_on: date | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> "WorkPeriod":
        if self.ended_on is not None and self.ended_on < self.started_on:
            raise ValueError("ended_on must not be before started_on")
        return self


class Availability(BaseModel):
    model_config = ConfigDict(extra="forbid")

    available_from: date
    hours_per_week: int = Field(ge=1, le=84)


class SkillsProfile(BaseModel):
    """The worker's skills profile (素质档案)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    education: Education
    skills: list[Skill] = Field(default=[], max_length=50)
    certificates: list[Certificate] = Field(default=[], max_length=50)
    work_history: list[WorkPeriod] = Field(default=[], max_length=50)
    health_limits: list[str] = Field(default=[], max_length=20, description="Seen by staff, never published")
    desired_occupations: list[str] = Field(default=[], max_length=20)
    desired_employment_forms: list[EmploymentForm] = Field(default=[], max_length=6)
    availability: Availability | None = None


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: SkillsProfile
    expected_version: int | None = Field(
        default=None,
        ge=0,
        description="The version this change was made from (0 for the first); 409 if stale",
    )


class ProfileVersion(BaseModel):
    case_id: str
    version: int
    profile: SkillsProfile
    recorded_at: datetime


class ConsentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agency: Agency
    purpose: str = Field(min_length=1, max_length=200, examples=["guaranteed micro-loan application"])
    expires_on: date

    @field_validator("expires_on")
    @classmethod
    def _in_the_future(cls, value: date) -> date:
        if value <= _today():
            raise ValueError("must be after today")
        return value


class ConsentView(BaseModel):
    consent_id: str
    case_id: str
    agency: Agency
    purpose: str
    granted_at: datetime
    expires_on: date
    withdrawn_at: datetime | None
    in_force: bool


class GuidanceKind(StrEnum):
    IDEOLOGICAL_GUIDANCE = "ideological_guidance"
    CAREER_GUIDANCE = "career_guidance"
    POLICY_BRIEFING = "policy_briefing"
    GROUP_SEMINAR = "group_seminar"


class GuidanceSessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: GuidanceKind
    held_on: date
    assistant_id: str = Field(min_length=36, max_length=36)
    attendees: list[str] = Field(default=[], max_length=200)
    notes: str = Field(default="", max_length=10_000)
    next_steps: list[str] = Field(default=[], max_length=20)

    @field_validator("held_on")
    @classmethod
    def _not_in_the_future(cls, value: date) -> date:
        if value > _today():
            raise ValueError("must not be in the future")
        return value


class GuidanceSessionOut(GuidanceSessionIn):
    session_id: str
    case_id: str
    recorded_at: datetime


class PlanTrack(StrEnum):
    TRAINING = "training"
    JOB_SEARCH = "job_search"
    ENTREPRENEURSHIP = "entrepreneurship"
    PUBLIC_WELFARE_POST = "public_welfare_post"


class PlanProposal(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    track: PlanTrack
    goals: list[str] = Field(min_length=1, max_length=20, examples=[["完成家政服务培训", "三个月内就业"]])


class PlanRevisionOut(BaseModel):
    case_id: str
    revision: int
    track: PlanTrack
    goals: list[str]
    status: PlanStatus
    proposed_at: datetime
    agreed_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None = Field(
        description="The subject of the approving token: the supervisor's staff id"
    )


class MeasureKind(StrEnum):
    INTERNAL_PLACEMENT = "internal_placement"
    TRANSFER_TO_NEW_ENTITY = "transfer_to_new_entity"
    EARLY_RETIREMENT = "early_retirement"
    COMPENSATED_TERMINATION = "compensated_termination"
    RE_EMPLOYMENT_SERVICE = "re_employment_service"


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: MeasureKind
    description: str = Field(min_length=1, max_length=2000)
    workers: int = Field(ge=0, le=1_000_000)


class RestructuringPlanIn(BaseModel):
    """An enterprise's placement and diversion plan, submitted for the worker congress."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    enterprise_name: str = Field(min_length=1, max_length=200, examples=["红星纺织厂"])
    enterprise_code: str = Field(
        pattern=r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$",
        examples=["91110105MA01ABCD2X"],
        description="Unified social credit code",
    )
    affected_workers: int = Field(ge=1, le=1_000_000)
    measures: list[Measure] = Field(min_length=1, max_length=50)
    congress_members: int = Field(ge=1, le=100_000, description="All members of the worker congress")
    congress_vote_deadline: date | None = Field(
        default=None, description="When the congress must have voted; reminders go out before it"
    )

    @field_validator("congress_vote_deadline")
    @classmethod
    def _deadline_ahead(cls, deadline: date | None) -> date | None:
        if deadline is not None and deadline < datetime.now(UTC).date():
            raise ValueError("the vote deadline has passed")
        return deadline

    @model_validator(mode="after")
    def _measures_cover_the_affected(self) -> "RestructuringPlanIn":
        if sum(measure.workers for measure in self.measures) > self.affected_workers:
            raise ValueError("the measures place more workers than the plan affects")
        return self


class CongressVote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    members_present: int = Field(ge=0)
    votes_for: int = Field(ge=0)
    votes_against: int = Field(ge=0)
    abstentions: int = Field(ge=0)


class RestructuringPlanOut(RestructuringPlanIn):
    plan_id: str
    status: RestructuringStatus
    revision: int
    vote: CongressVote | None
    submitted_at: datetime
    decided_at: datetime | None


class ContractTransfer(BaseModel):
    """The labour contract the worker signs with the new entity on restructuring."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    new_employer: str = Field(min_length=1, max_length=200)
    signed_on: date


class PlannedWorker(WorkerRegistration):
    labour_contract_transfer: ContractTransfer | None = None


class BulkIntakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    batch_id: str = Field(
        min_length=1, max_length=64, description="Idempotency key: the same batch answers the same"
    )
    workers: list[PlannedWorker] = Field(min_length=1, max_length=10_000)


class RosterOut(BaseModel):
    """A lodged roster, without its rows (they hold resident ID numbers)."""

    plan_id: str
    batch_id: str
    workers: int
    lodged_at: datetime


class VoteReminderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reminder_key: str = Field(min_length=1, max_length=100, description="Idempotency key of the reminder")
    revision: int = Field(ge=1)
    days_left: int = Field(ge=0, le=3650)


class VoteReminderOut(VoteReminderIn):
    plan_id: str
    reminded_at: datetime
    repeated: bool


class BulkIntakeOut(BaseModel):
    batch_id: str
    plan_id: str
    case_ids: list[str]
    repeated: bool = Field(description="True when this batch had been taken in before")


class CaseSort(StrEnum):
    NEWEST = "-registered"
    OLDEST = "registered"
    LAYOFF_DATE = "layoff_date"
    LAYOFF_DATE_DESC = "-layoff_date"


class CaseQuery(BaseModel):
    """Filters of the case list; all optional, combined with AND."""

    model_config = ConfigDict(extra="forbid")

    street_code: str | None = Field(default=None, pattern=CODE)
    community_code: str | None = Field(default=None, pattern=CODE)
    assistant_id: str | None = Field(default=None, min_length=36, max_length=36)
    status: str | None = Field(default=None, pattern=r"^(open|closed)$")
    hardship_flag: HardshipFlag | None = None
    layoff_reason: LayoffReason | None = None
    restructuring_plan_id: str | None = Field(default=None, min_length=36, max_length=36)
    stage: JourneyStage | None = Field(default=None, description="The journey stage")
    layoff_from: date | None = None
    layoff_to: date | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    sort: CaseSort = CaseSort.NEWEST
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200, description="`next_cursor` of the previous page")


class CasePage(BaseModel):
    items: list[RegisteredWorker]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; None on the last page")


class Closure(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: ClosureReason
    note: str = Field(default="", max_length=2000)


class Reopening(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=30, examples=["job_ended"])
    note: str = Field(default="", max_length=2000)


class StatusChange(BaseModel):
    status: str
    reason: str
    note: str
    changed_at: datetime
