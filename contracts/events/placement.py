"""Events of the placement service, published on `placement.events`.

Case events (hires, referrals, businesses, follow-ups) have the case id as subject and Kafka key; employer,
vacancy and job-fair events have their own id. No event carries a name, phone number or free-text note.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from contracts.events import CaseEvent, Event
from contracts.occupations import EmploymentForm, OccupationArea
from contracts.topics import PLACEMENT_EVENTS

SOURCE = "/services/placement"


class EmployerRegistered(Event):
    """An employer registered to post vacancies; it may post once verified."""

    event_type = "placement.employer_registered.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE
    subject_field = "employer_id"

    employer_id: str
    community_code: str | None
    kind: str = Field(description="enterprise, individual_business, public_institution, worker_business")
    registered_at: datetime


class EmployerVerified(Event):
    """Staff checked the employer's registration: its vacancies may now be posted."""

    event_type = "placement.employer_verified.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE
    subject_field = "employer_id"

    employer_id: str
    verified_at: datetime


class VacancyPosted(Event):
    """A vacancy was posted (any employment form, flexible ones included)."""

    event_type = "placement.vacancy_posted.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE
    subject_field = "vacancy_id"

    vacancy_id: str
    employer_id: str
    occupation_area: OccupationArea
    title: str
    employment_form: EmploymentForm
    openings: int
    required_skills: list[str]
    required_certificates: list[str]
    community_code: str | None
    monthly_wage_yuan: int | None
    posted_at: datetime
    hourly_wage_yuan: int | None = None
    job_fair_id: str | None = None


class VacancyClosed(Event):
    """A vacancy stopped taking referrals: filled, withdrawn by the employer, or expired."""

    event_type = "placement.vacancy_closed.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE
    subject_field = "vacancy_id"

    vacancy_id: str
    occupation_area: OccupationArea
    closed_at: datetime
    reason: str = Field(description="filled, withdrawn, expired")


class ReferralMade(CaseEvent):
    """A labour assistant referred the worker to a vacancy."""

    event_type = "placement.referral_made.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    referral_id: str
    vacancy_id: str
    employer_id: str
    occupation_area: OccupationArea
    assistant_id: str | None
    job_fair_id: str | None
    referred_at: datetime


class ReferralAnswered(CaseEvent):
    """The employer answered a referral: an interview, an offer or a rejection with its reason."""

    event_type = "placement.referral_answered.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    referral_id: str
    vacancy_id: str
    employer_id: str
    answer: Literal["interview", "offer", "rejection"]
    status: str
    interview_at: datetime | None
    rejection_reason: str | None
    answered_at: datetime


class Hired(CaseEvent):
    """The worker was hired: by an employer for a vacancy, directly, or in a business started by another
    laid-off worker (`business_id`)."""

    event_type = "placement.hired.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    hire_id: str
    employer_id: str
    vacancy_id: str | None
    employment_form: EmploymentForm
    has_labour_contract: bool
    contract_months: int | None
    start_date: date
    monthly_wage_yuan: int
    social_insurance: bool
    hired_at: datetime
    occupation_area: OccupationArea | None = None
    referral_id: str | None = None
    business_id: str | None = None


class JobEnded(CaseEvent):
    """A job ended; the worker goes back to placement and the hire stays on record."""

    event_type = "placement.job_ended.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    hire_id: str
    ended_on: date
    reason: str = Field(
        description="contract_ended, season_ended, dismissed, resigned, employer_closed, other"
    )
    ended_at: datetime


class BusinessPlanned(CaseEvent):
    """The worker has a business plan (entrepreneurship track)."""

    event_type = "placement.business_planned.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    business_id: str
    kind: str
    community_code: str | None
    planned_at: datetime


class BusinessStarted(CaseEvent):
    """The worker's business started: self-employment, a real outcome."""

    event_type = "placement.business_started.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    business_id: str
    kind: str
    started_on: date
    licence_reference: str | None
    expected_monthly_income_yuan: int | None
    started_at: datetime
    employer_id: str | None = Field(default=None, description="The business as an employer of others")


class BusinessSupportLinked(CaseEvent):
    """A policy-support application (tax relief, micro-loan, fee waiver...) was linked to the business."""

    event_type = "placement.business_support_linked.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    business_id: str
    support_kind: str
    application_reference: str
    linked_at: datetime


class BusinessClosed(CaseEvent):
    """The worker's business closed."""

    event_type = "placement.business_closed.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    business_id: str
    closed_on: date
    reason: str


class JobFairScheduled(Event):
    """A job fair was scheduled."""

    event_type = "placement.job_fair_scheduled.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE
    subject_field = "job_fair_id"

    job_fair_id: str
    held_on: date
    community_code: str | None
    scheduled_at: datetime


class JobFairAttended(CaseEvent):
    """The worker attended a job fair."""

    event_type = "placement.job_fair_attended.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    job_fair_id: str
    attended_at: datetime


class FollowUpTaskCreated(CaseEvent):
    """A follow-up of a hire or a business start is due on a date."""

    event_type = "placement.follow_up_task_created.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    task_id: str
    task_key: str
    due_on: date
    sequence: int
    subject_kind: Literal["hire", "business"]
    subject_id: str
    created_at: datetime
    assistant_id: str | None = None


class FollowUpCompleted(CaseEvent):
    """A follow-up was done: is the worker still working, under contract, insured, and how do they fare."""

    event_type = "placement.follow_up_completed.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    task_id: str
    task_key: str
    still_working: bool
    has_labour_contract: bool
    social_insurance: bool
    monthly_earnings_yuan: int | None
    satisfaction: int | None = Field(ge=1, le=5)
    completed_at: datetime
    problems_raised: bool = Field(default=False, description="The notes stay in placement")
    subject_kind: Literal["hire", "business"] | None = None
    subject_id: str | None = None
    sequence: int | None = None


class FollowUpCancelled(CaseEvent):
    """A follow-up task is no longer needed: the work it followed ended, or the worker left the programme."""

    event_type = "placement.follow_up_cancelled.v1"
    topic = PLACEMENT_EVENTS
    source = SOURCE

    task_id: str
    task_key: str
    reason: str
    cancelled_at: datetime


EVENTS: tuple[type[Event], ...] = (
    EmployerRegistered,
    EmployerVerified,
    VacancyPosted,
    VacancyClosed,
    ReferralMade,
    ReferralAnswered,
    Hired,
    JobEnded,
    BusinessPlanned,
    BusinessStarted,
    BusinessSupportLinked,
    BusinessClosed,
    JobFairScheduled,
    JobFairAttended,
    FollowUpTaskCreated,
    FollowUpCompleted,
    FollowUpCancelled,
)
