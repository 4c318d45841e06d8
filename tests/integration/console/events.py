"""Small factories of the events the console consumes, with deterministic defaults."""

import uuid
from datetime import UTC, date, datetime

from contracts.events.complaints import (
    ComplaintCategory,
    ComplaintChannel,
    ComplaintClosed,
    ComplaintEscalated,
    ComplaintOpened,
    ComplaintOutcome,
    EscalationLevel,
)
from contracts.events.intake import (
    AssignmentReason,
    AssistantRegistered,
    CaseAssigned,
    CaseClosed,
    ClosureReason,
    LayoffReason,
    WorkerRegistered,
)
from contracts.events.journey import (
    FollowUpOverdue,
    JourneyStageChanged,
    OutcomeIndicator,
    OutcomeMeasured,
    ReviewDue,
    ReviewKind,
)
from contracts.events.placement import BusinessStarted, FollowUpCompleted, FollowUpTaskCreated, Hired
from contracts.events.training import TrainingCompleted
from contracts.journey import JourneyStage
from contracts.occupations import EmploymentForm, OccupationArea

MOMENT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def an_id() -> str:
    return str(uuid.uuid4())


def registered(case_id: str, community: str = "ZS-01", *, aged_4050: bool = False) -> WorkerRegistered:
    return WorkerRegistered(
        case_id=case_id,
        community_code=community,
        layoff_date=date(2026, 9, 30),
        layoff_reason=LayoffReason.RESTRUCTURING,
        registered_at=MOMENT,
        hardship_flags=["aged_4050"] if aged_4050 else [],
    )


def assistant_registered(assistant_id: str, name: str, community: str = "ZS-01") -> AssistantRegistered:
    return AssistantRegistered(
        assistant_id=assistant_id,
        name=name,
        community_code=community,
        street_code=community.split("-")[0],
        capacity=50,
        registered_at=MOMENT,
    )


def assigned(case_id: str, assistant_id: str, community: str = "ZS-01") -> CaseAssigned:
    return CaseAssigned(
        case_id=case_id,
        assistant_id=assistant_id,
        community_code=community,
        reason=AssignmentReason.AUTOMATIC,
        assigned_at=MOMENT,
    )


def case_closed(case_id: str) -> CaseClosed:
    return CaseClosed(case_id=case_id, reason=ClosureReason.MOVED_AWAY, closed_at=MOMENT)


def stage(case_id: str, to: JourneyStage, sequence: int) -> JourneyStageChanged:
    return JourneyStageChanged(
        case_id=case_id, stage=to, previous_stage=None, sequence=sequence, reason="test", changed_at=MOMENT
    )


def review_due(case_id: str, at: datetime) -> ReviewDue:
    return ReviewDue(
        case_id=case_id, kind=ReviewKind.JOB_SEARCH_STALLED, assistant_id=None, detail="90 days", due_at=at
    )


def stage_at(case_id: str, to: JourneyStage, sequence: int, at: datetime) -> JourneyStageChanged:
    return stage(case_id, to, sequence).model_copy(update={"changed_at": at})


def trained(case_id: str, at: datetime = MOMENT) -> TrainingCompleted:
    return TrainingCompleted(
        case_id=case_id,
        enrolment_id=an_id(),
        class_id=an_id(),
        course_id=an_id(),
        occupation_area=OccupationArea.COOKING,
        attendance_rate=0.95,
        completed_at=at,
    )


def hired(case_id: str, at: datetime = MOMENT, wage: int = 3200) -> Hired:
    return Hired(
        case_id=case_id,
        hire_id=an_id(),
        employer_id=an_id(),
        vacancy_id=None,
        employment_form=EmploymentForm.FULL_TIME,
        has_labour_contract=True,
        contract_months=12,
        start_date=at.date(),
        monthly_wage_yuan=wage,
        social_insurance=True,
        hired_at=at,
    )


def business_started(case_id: str, at: datetime = MOMENT) -> BusinessStarted:
    return BusinessStarted(
        case_id=case_id,
        business_id=an_id(),
        kind="restaurant",
        started_on=at.date(),
        licence_reference="LIC-1",
        expected_monthly_income_yuan=5000,
        started_at=at,
    )


def follow_up_created(case_id: str, task_key: str, due_on: date, sequence: int = 1) -> FollowUpTaskCreated:
    return FollowUpTaskCreated(
        case_id=case_id,
        task_id=an_id(),
        task_key=task_key,
        due_on=due_on,
        sequence=sequence,
        subject_kind="hire",
        subject_id=an_id(),
        created_at=MOMENT,
    )


def follow_up_overdue(case_id: str, task_key: str, due_on: date, sequence: int = 1) -> FollowUpOverdue:
    return FollowUpOverdue(
        case_id=case_id,
        task_key=task_key,
        sequence=sequence,
        due_on=due_on,
        assistant_id=None,
        noticed_at=MOMENT,
    )


def follow_up_completed(case_id: str, task_key: str, earnings: int = 3300) -> FollowUpCompleted:
    return FollowUpCompleted(
        case_id=case_id,
        task_id=an_id(),
        task_key=task_key,
        still_working=True,
        has_labour_contract=True,
        social_insurance=True,
        monthly_earnings_yuan=earnings,
        satisfaction=4,
        completed_at=MOMENT,
    )


def complaint_opened(case_id: str, complaint_id: str) -> ComplaintOpened:
    return ComplaintOpened(
        case_id=case_id,
        complaint_id=complaint_id,
        category=ComplaintCategory.UNPAID_WAGES,
        channel=ComplaintChannel.HOTLINE,
        opened_at=MOMENT,
    )


def complaint_escalated(case_id: str, complaint_id: str) -> ComplaintEscalated:
    return ComplaintEscalated(
        case_id=case_id,
        complaint_id=complaint_id,
        category=ComplaintCategory.UNPAID_WAGES,
        level=EscalationLevel.SUPERVISOR,
        escalated_at=MOMENT,
    )


def complaint_closed(case_id: str, complaint_id: str) -> ComplaintClosed:
    return ComplaintClosed(
        case_id=case_id,
        complaint_id=complaint_id,
        category=ComplaintCategory.UNPAID_WAGES,
        outcome=ComplaintOutcome.UPHELD,
        closed_at=MOMENT,
    )


def outcome(case_id: str, indicator: OutcomeIndicator, quarter: str, **values: int | bool) -> OutcomeMeasured:
    return OutcomeMeasured(
        case_id=case_id,
        indicator=indicator,
        exit_stage=JourneyStage.STABLE_EMPLOYMENT,
        exit_quarter=quarter,
        measured_at=MOMENT,
        **values,  # type: ignore[arg-type]
    )
