"""Request and response models of the placement API."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from contracts.occupations import EmploymentForm, OccupationArea

CODE = r"^[A-Za-z0-9-]{2,32}$"
ID = Field(min_length=1, max_length=36)
Yuan = Annotated[int, Field(ge=0, le=1_000_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CommunityIn(Strict):
    street_code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=100)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _both_coordinates_or_none(self) -> "CommunityIn":
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude, or neither")
        return self


class CommunityOut(Out):
    community_code: str
    street_code: str
    name: str
    latitude: float | None
    longitude: float | None


class EmployerKind(StrEnum):
    ENTERPRISE = "enterprise"
    INDIVIDUAL_BUSINESS = "individual_business"
    PUBLIC_INSTITUTION = "public_institution"
    WORKER_BUSINESS = "worker_business"


class EmployerIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: Literal[EmployerKind.ENTERPRISE, EmployerKind.INDIVIDUAL_BUSINESS, EmployerKind.PUBLIC_INSTITUTION]
    registration_reference: str = Field(
        pattern=r"^[0-9A-Z]{15,20}$", description="Unified social credit code or business licence number"
    )
    community_code: str | None = Field(default=None, pattern=CODE)


class EmployerOut(Out):
    employer_id: str
    name: str
    kind: EmployerKind
    registration_reference: str | None
    community_code: str | None
    status: str
    registered_at: datetime
    verified_at: datetime | None


class VacancyIn(BaseModel):
    """A vacancy. Fields not listed are refused; a filter on age, sex, ethnicity, marital status, household
    registration or health status, as a field or in the text, is refused with `discriminatory_requirement`."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200, examples=["钟点工 hourly housekeeper"])
    description: str = Field(default="", max_length=4000)
    occupation_area: OccupationArea
    employment_form: EmploymentForm
    openings: int = Field(ge=1, le=1000)
    required_skills: list[str] = Field(default=[], max_length=20, examples=[["cleaning:intermediate"]])
    required_certificates: list[str] = Field(default=[], max_length=10, examples=[["housekeeping"]])
    community_code: str | None = Field(default=None, pattern=CODE)
    monthly_wage_yuan: Yuan | None = None
    hourly_wage_yuan: int | None = Field(default=None, ge=0, le=10_000)
    job_fair_id: str | None = Field(default=None, max_length=36)

    @model_validator(mode="after")
    def _pay_given(self) -> "VacancyIn":
        if self.monthly_wage_yuan is None and self.hourly_wage_yuan is None:
            raise ValueError("give the pay: monthly_wage_yuan or hourly_wage_yuan")
        for name in (*self.required_skills, *self.required_certificates):
            if not 1 <= len(name.strip()) <= 60:
                raise ValueError("requirements are 1 to 60 characters each")
        return self


class VacancyOut(Out):
    vacancy_id: str
    employer_id: str
    title: str
    description: str
    occupation_area: OccupationArea
    employment_form: EmploymentForm
    openings: int
    openings_filled: int
    required_skills: list[str]
    required_certificates: list[str]
    community_code: str | None
    monthly_wage_yuan: int | None
    hourly_wage_yuan: int | None
    job_fair_id: str | None
    status: str
    posted_at: datetime
    closed_at: datetime | None
    close_reason: str | None


class VacancyClosure(Strict):
    reason: Literal["withdrawn", "expired"]


class FactorOut(BaseModel):
    factor: str
    points: int
    max_points: int
    reason: str


class VacancyMatch(BaseModel):
    """A vacancy for a worker: its score and why."""

    score: int
    max_score: int
    explanation: str
    factors: list[FactorOut]
    vacancy: VacancyOut


class WorkerMatch(BaseModel):
    """A worker for a vacancy: their score and why (no personal details beyond what matching used)."""

    score: int
    max_score: int
    explanation: str
    factors: list[FactorOut]
    case_id: str
    community_code: str | None
    hardship_flags: list[str]


class WorkerOut(Out):
    """What placement knows of a worker (from intake and training events)."""

    case_id: str
    community_code: str | None
    hardship_flags: list[str]
    skills: dict[str, int]
    profile_certificates: list[str]
    training_certificates: list[dict[str, Any]]
    desired_occupations: list[str]
    desired_forms: list[str]
    profile_version: int
    assistant_id: str | None
    case_open: bool
    registered: bool


class ReferralIn(Strict):
    case_id: str = ID
    vacancy_id: str = ID
    assistant_id: str | None = Field(default=None, max_length=36)
    job_fair_id: str | None = Field(default=None, max_length=36)


class RejectionReason(StrEnum):
    SKILLS_MISMATCH = "skills_mismatch"
    EXPERIENCE_MISMATCH = "experience_mismatch"
    POSITION_FILLED = "position_filled"
    NO_SHOW = "no_show"
    WORKER_DECLINED = "worker_declined"
    OTHER = "other"


class ReferralAnswer(Strict):
    """The employer's answer: an interview (with its time), an offer, or a rejection (with its reason)."""

    answer: Literal["interview", "offer", "rejection"]
    interview_at: datetime | None = None
    rejection_reason: RejectionReason | None = None

    @model_validator(mode="after")
    def _details_fit_answer(self) -> "ReferralAnswer":
        if self.answer == "interview" and self.interview_at is None:
            raise ValueError("an interview needs interview_at")
        if self.answer == "rejection" and self.rejection_reason is None:
            raise ValueError("a rejection needs rejection_reason")
        if self.answer != "rejection" and self.rejection_reason is not None:
            raise ValueError("rejection_reason is only for a rejection")
        if self.interview_at is not None and self.interview_at.tzinfo is None:
            raise ValueError("interview_at needs a time zone")
        return self


class ReferralOut(Out):
    referral_id: str
    case_id: str
    vacancy_id: str
    employer_id: str
    assistant_id: str | None
    job_fair_id: str | None
    status: str
    interview_at: datetime | None
    rejection_reason: str | None
    referred_at: datetime
    answered_at: datetime | None


class HireTerms(Strict):
    """Contract type and length, start date, wage and social insurance."""

    employment_form: EmploymentForm | None = Field(default=None, description="Defaults to the vacancy's")
    has_labour_contract: bool
    contract_months: int | None = Field(default=None, ge=1, le=120)
    start_date: date
    monthly_wage_yuan: Yuan
    social_insurance: bool

    @model_validator(mode="after")
    def _contract_length_needs_contract(self) -> "HireTerms":
        if self.contract_months is not None and not self.has_labour_contract:
            raise ValueError("contract_months needs has_labour_contract")
        return self


class DirectHire(HireTerms):
    """A hire not made through a referral (the worker found the job, or an employer called directly)."""

    case_id: str = ID
    employer_id: str = ID
    vacancy_id: str | None = Field(default=None, max_length=36)


class JobForWorker(HireTerms):
    """A job a worker's business gives another laid-off worker (linked to their case)."""

    case_id: str = ID


class JobEndReason(StrEnum):
    CONTRACT_ENDED = "contract_ended"
    SEASON_ENDED = "season_ended"
    DISMISSED = "dismissed"
    RESIGNED = "resigned"
    EMPLOYER_CLOSED = "employer_closed"
    OTHER = "other"


class JobEnding(Strict):
    ended_on: date
    reason: JobEndReason


class HireOut(Out):
    hire_id: str
    case_id: str
    employer_id: str
    vacancy_id: str | None
    referral_id: str | None
    business_id: str | None
    occupation_area: str | None
    employment_form: EmploymentForm
    has_labour_contract: bool
    contract_months: int | None
    start_date: date
    monthly_wage_yuan: int
    social_insurance: bool
    status: str
    ended_on: date | None
    end_reason: str | None
    hired_at: datetime


class BusinessKind(StrEnum):
    RESTAURANT = "restaurant"
    SALON = "salon"
    CLEANING_TEAM = "cleaning_team"
    WEAVING_COOP = "weaving_coop"
    CARE_HOME = "care_home"
    REPAIR_SHOP = "repair_shop"
    RETAIL_STALL = "retail_stall"
    OTHER = "other"


class BusinessPlan(Strict):
    summary: str = Field(min_length=1, max_length=4000)
    startup_capital_yuan: Yuan | None = None
    jobs_planned: int = Field(default=0, ge=0, le=1000)


class BusinessIn(Strict):
    case_id: str = ID
    name: str = Field(min_length=1, max_length=200)
    kind: BusinessKind
    community_code: str | None = Field(default=None, pattern=CODE)
    address: str = Field(default="", max_length=300)
    plan: BusinessPlan
    expected_monthly_income_yuan: Yuan | None = None


class BusinessStart(Strict):
    started_on: date
    licence_reference: str | None = Field(default=None, pattern=r"^[0-9A-Z]{15,20}$")
    address: str | None = Field(default=None, min_length=1, max_length=300)


class SupportKind(StrEnum):
    TAX_RELIEF = "tax_relief"
    BUSINESS_REGISTRATION = "business_registration"
    FEE_WAIVER = "fee_waiver"
    MICRO_LOAN = "micro_loan"
    HEALTH_CERTIFICATE = "health_certificate"
    PREMISES = "premises"


class SupportLinkIn(Strict):
    support_kind: SupportKind
    application_reference: str = Field(min_length=1, max_length=64)


class SupportLinkOut(Out):
    support_kind: str
    application_reference: str
    linked_at: datetime


class BusinessClosure(Strict):
    closed_on: date
    reason: Literal["unprofitable", "relocated", "owner_took_employment", "health", "other"]


class BusinessOut(Out):
    business_id: str
    case_id: str
    name: str
    kind: BusinessKind
    community_code: str | None
    address: str
    plan: BusinessPlan
    expected_monthly_income_yuan: int | None
    status: str
    started_on: date | None
    licence_reference: str | None
    employer_id: str | None
    closed_on: date | None
    close_reason: str | None
    planned_at: datetime
    support: list[SupportLinkOut] = []
    jobs_created: list[HireOut] = []


class JobFairIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    held_on: date
    community_code: str | None = Field(default=None, pattern=CODE)
    venue: str = Field(min_length=1, max_length=200)


class JobFairOut(Out):
    job_fair_id: str
    name: str
    held_on: date
    community_code: str | None
    venue: str
    scheduled_at: datetime
    employer_ids: list[str] = []
    vacancy_ids: list[str] = []
    attendees: int = 0
    referrals: int = 0


class AttendanceIn(Strict):
    case_id: str = ID


class FollowUpTaskIn(Strict):
    """What the journey asks for; the same key with the same content is the same task."""

    case_id: str = ID
    due_on: date
    sequence: int = Field(ge=1, le=100)
    subject_kind: Literal["hire", "business"]
    subject_id: str = ID
    assistant_id: str | None = Field(default=None, max_length=36)


class FollowUpOutcome(Strict):
    still_working: bool
    has_labour_contract: bool
    social_insurance: bool
    monthly_earnings_yuan: Yuan | None = None
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    problems_raised: list[str] = Field(default=[], max_length=10, description="Stay in placement")

    @model_validator(mode="after")
    def _problems_are_short(self) -> "FollowUpOutcome":
        if any(not 1 <= len(problem) <= 500 for problem in self.problems_raised):
            raise ValueError("each problem is 1 to 500 characters")
        return self


class FollowUpCancellation(Strict):
    reason: str = Field(min_length=1, max_length=200, examples=["the work ended"])


class FollowUpTaskOut(Out):
    task_id: str
    task_key: str
    case_id: str
    due_on: date
    sequence: int
    subject_kind: Literal["hire", "business"]
    subject_id: str
    assistant_id: str | None
    status: Literal["open", "completed", "cancelled"]
    outcome: FollowUpOutcome | None
    created_at: datetime
    completed_at: datetime | None


class FollowUpTaskQuery(Strict):
    case_id: str | None = Field(default=None, max_length=36)
    assistant_id: str | None = Field(default=None, max_length=36)
    status: Literal["open", "completed", "cancelled"] | None = None
    due_before: date | None = Field(default=None, description="Tasks due on or before this day")
    limit: int = Field(default=100, ge=1, le=500)
