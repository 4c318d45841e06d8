"""How the journey answers each domain event and each deadline that comes: one function per kind, each
changing the journey's state only through its methods (stage moves go through `JourneyState.move_to`)."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from contracts.events.journey import (
    FollowUpEscalated,
    FollowUpOverdue,
    OutcomeIndicator,
    ReviewKind,
)
from contracts.journey import CLOSED_STAGES, FollowUpStatus, JourneyEvent
from contracts.journey import JourneyStage as Stage
from workflows.journey_memory import (
    ApplyForPolicySupport,
    CreateFollowUpTask,
    Deadline,
    DeadlineKind,
    Employment,
    midnight,
)
from workflows.policy import policy_for

if TYPE_CHECKING:
    from workflows.journey_state import JourneyState

REFERRAL_EVENT_TYPES = frozenset({"placement.referral_made.v1", "placement.referral_answered.v1"})
"""Job recommendations: a referral counts as one for the zero-employment rule and as job-search progress."""


def registered(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    data = event.data
    journey.community_code = data.get("community_code", journey.community_code)
    journey.hardship_flags = list(data.get("hardship_flags", journey.hardship_flags))
    if journey.policy is None:
        journey.policy = policy_for(journey.community_code)
    journey.note(now, event.event_type, f"registered in {journey.community_code}")
    if "zero_employment_family" in journey.hardship_flags and not journey.recommendation_given:
        within = journey.rules.reviews.zero_employment_recommendation_within
        journey.schedule(DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION, now + journey.scaled(within))


def assigned(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.assistant_id = event.data.get("assistant_id")
    journey.note(now, event.event_type, f"assigned to {journey.assistant_id}")


def guided(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.note(now, event.event_type)
    if journey.stage == Stage.ASSESSMENT:
        journey.move_to(Stage.GUIDANCE_AND_PLAN, now, event.event_type)
    journey.progress_made(now)


def plan_changed(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    track, status = event.data.get("track"), event.data.get("status")
    journey.note(now, event.event_type, f"plan {status} ({track})")
    if status != "approved":
        return
    journey.plan_track = track
    if journey.stage in (Stage.ASSESSMENT, Stage.GUIDANCE_AND_PLAN, Stage.TRAINING, Stage.JOB_SEARCH):
        journey.move_to(Stage.TRAINING if track == "training" else Stage.JOB_SEARCH, now, "plan approved")


def case_closed(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    reason = str(event.data.get("reason", "other"))
    if reason == "stable_employment":
        journey.move_to(Stage.STABLE_EMPLOYMENT, now, "case closed as stable employment")
        return
    journey.exit_reason = reason
    journey.move_to(Stage.EXITED, now, f"case closed: {reason}")


def case_reopened(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.move_to(Stage.ASSESSMENT, now, f"case re-opened: {event.data.get('reason', '')}".strip())


def enrolled(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.note(now, event.event_type, f"class {event.data.get('class_id')}")
    journey.progress_made(now)
    if journey.stage in (Stage.ASSESSMENT, Stage.GUIDANCE_AND_PLAN, Stage.JOB_SEARCH):
        journey.move_to(Stage.TRAINING, now, "enrolled in a class")


def training_completed(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.note(now, event.event_type, f"class {event.data.get('class_id')}")
    if journey.stage == Stage.TRAINING:
        journey.move_to(Stage.JOB_SEARCH, now, "training completed")


def training_ended_unfinished(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    reason = str(event.data.get("reason", ""))
    journey.note(now, event.event_type, reason)
    if journey.stage != Stage.TRAINING:
        return
    journey.move_to(Stage.GUIDANCE_AND_PLAN, now, f"training ended without completion: {reason}")
    journey.review(ReviewKind.PLAN_REVIEW_AFTER_TRAINING, now, reason)


def certified(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.credentials += 1
    journey.note(now, event.event_type, str(event.data.get("certificate_name", "")))


def referred(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.recommendation_given = True
    journey.drop_deadlines(DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION)
    journey.note(now, event.event_type)
    journey.progress_made(now)


def hired(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    data = event.data
    work = Employment(
        kind="hire",
        subject_id=str(data["hire_id"]),
        started_at=journey.business_moment(now, midnight(data["start_date"])),
        has_labour_contract=bool(data.get("has_labour_contract", False)),
        social_insurance=bool(data.get("social_insurance", False)),
        monthly_income_yuan=data.get("monthly_wage_yuan"),
    )
    journey.note(now, event.event_type, f"hired ({data.get('employment_form', '')})")
    journey.start_work(work, Stage.PLACED, now)


def business_started(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    data = event.data
    work = Employment(
        kind="business",
        subject_id=str(data["business_id"]),
        started_at=journey.business_moment(now, midnight(data["started_on"])),
        licence_reference=data.get("licence_reference"),
        monthly_income_yuan=data.get("expected_monthly_income_yuan"),
    )
    journey.note(now, event.event_type, str(data.get("kind", "")))
    journey.start_work(work, Stage.BUSINESS_STARTED, now)
    for kind in journey.rules.support_on_business_start:
        journey.actions.append(
            ApplyForPolicySupport(
                application_key=f"journey:{journey.case_id}:{work.subject_id}:{kind}",
                case_id=journey.case_id,
                kind=kind,
                assistant_id=journey.assistant_id,
                business_kind=str(data["kind"]) if data.get("kind") else None,
            )
        )


def work_ended(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    subject = event.data.get("hire_id") or event.data.get("business_id")
    journey.note(now, event.event_type, str(event.data.get("reason", "")))
    if journey.employment is not None and journey.employment.subject_id == subject:
        journey.end_work(now, "the work ended")


def follow_up_task_created(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.note(
        now, event.event_type, f"follow-up {event.data.get('sequence')} due {event.data.get('due_on')}"
    )


def follow_up_completed(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    data = event.data
    key = data.get("task_key")
    for follow_up in journey.follow_ups:
        if follow_up.task_key == key:
            follow_up.status = FollowUpStatus.COMPLETED
    journey.deadlines = [
        d for d in journey.deadlines if not (d.key == key and d.kind != DeadlineKind.FOLLOW_UP_DUE)
    ]
    still_working = data.get("still_working", True)
    journey.note(now, event.event_type, "still working" if still_working else "no longer working")
    work = journey.employment
    if work is None or work.ended_at is not None or journey.stage in CLOSED_STAGES:
        return
    if not still_working:
        journey.end_work(now, "a follow-up found the worker no longer working")
        return
    work.has_labour_contract = bool(data.get("has_labour_contract", work.has_labour_contract))
    work.social_insurance = bool(data.get("social_insurance", work.social_insurance))
    if data.get("monthly_earnings_yuan") is not None:
        work.monthly_income_yuan = int(data["monthly_earnings_yuan"])
    if journey.stability_period_reached and not journey.stability_gaps(now):
        journey.move_to(Stage.STABLE_EMPLOYMENT, now, "stable-employment rule met at a follow-up")


def benefit_decided(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    data = event.data
    detail = f"{data.get('kind')} from {data.get('agency')}: {data.get('decision')}"
    journey.note(now, event.event_type, detail)


def complaint_opened(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    category = str(event.data.get("category", ""))
    journey.open_complaints[str(event.data.get("complaint_id"))] = category
    journey.note(now, event.event_type, category)


def complaint_closed(journey: "JourneyState", event: JourneyEvent, now: datetime) -> None:
    journey.open_complaints.pop(str(event.data.get("complaint_id")), None)
    journey.note(now, event.event_type, str(event.data.get("category", "")))


def employment_starts(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    if journey.stage in (Stage.PLACED, Stage.BUSINESS_STARTED):
        journey.move_to(Stage.FOLLOW_UP, now, "the work started")


def follow_up_due(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    follow_up = journey.follow_up(deadline.key)
    if follow_up is None or follow_up.status != FollowUpStatus.SCHEDULED:
        return
    follow_up.status = FollowUpStatus.OPEN
    journey.note(now, "follow_up_due", f"follow-up {follow_up.sequence} ({follow_up.task_key})")
    journey.actions.append(
        CreateFollowUpTask(
            task_key=follow_up.task_key,
            case_id=journey.case_id,
            due_on=now.date(),
            sequence=follow_up.sequence,
            subject_kind=follow_up.subject_kind,
            subject_id=follow_up.subject_id,
            assistant_id=journey.assistant_id,
        )
    )
    rules = journey.rules.follow_ups
    key = follow_up.task_key
    journey.schedule(DeadlineKind.FOLLOW_UP_REMIND, now + journey.scaled(rules.remind_after), key)
    journey.schedule(DeadlineKind.FOLLOW_UP_ESCALATE, now + journey.scaled(rules.escalate_after), key)


def follow_up_remind(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    follow_up = journey.follow_up(deadline.key)
    if follow_up is None or follow_up.status != FollowUpStatus.OPEN:
        return
    follow_up.status = FollowUpStatus.OVERDUE
    journey.note(now, "follow_up_overdue", f"follow-up {follow_up.sequence}: the assistant is reminded")
    journey.publish(
        FollowUpOverdue(
            case_id=journey.case_id,
            task_key=follow_up.task_key,
            sequence=follow_up.sequence,
            due_on=follow_up.due_at.date(),
            assistant_id=journey.assistant_id,
            noticed_at=now,
        )
    )


def follow_up_escalate(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    follow_up = journey.follow_up(deadline.key)
    if follow_up is None or follow_up.status not in (FollowUpStatus.OPEN, FollowUpStatus.OVERDUE):
        return
    follow_up.status = FollowUpStatus.ESCALATED
    journey.note(now, "follow_up_escalated", f"follow-up {follow_up.sequence}: escalated to the supervisor")
    journey.publish(
        FollowUpEscalated(
            case_id=journey.case_id,
            task_key=follow_up.task_key,
            sequence=follow_up.sequence,
            due_on=follow_up.due_at.date(),
            assistant_id=journey.assistant_id,
            escalated_at=now,
        )
    )


def stability_check(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    journey.stability_period_reached = True
    gaps = journey.stability_gaps(now)
    if not gaps:
        journey.move_to(Stage.STABLE_EMPLOYMENT, now, "stable-employment rule met")
    else:
        journey.review(ReviewKind.STABILITY_NOT_MET, now, "; ".join(gaps))


def job_search_review(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    if journey.stage != Stage.JOB_SEARCH:
        return
    stalled = journey.rules.reviews.job_search_stalled_after
    journey.review(ReviewKind.JOB_SEARCH_STALLED, now, f"no progress for {stalled.days} days")
    journey.schedule(DeadlineKind.JOB_SEARCH_REVIEW, now + journey.scaled(stalled))


def zero_employment_overdue(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    if not journey.recommendation_given and journey.stage not in CLOSED_STAGES:
        journey.review(ReviewKind.ZERO_EMPLOYMENT_RECOMMENDATION_OVERDUE, now, "no job recommended yet")


def outcome_q2(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    employed = journey.employment is not None and journey.employment.ended_at is None
    income = journey.employment.monthly_income_yuan if employed and journey.employment else None
    journey.measure(OutcomeIndicator.EMPLOYED_Q2_AFTER_EXIT, now, employed=employed)
    journey.measure(
        OutcomeIndicator.EARNINGS_Q2_AFTER_EXIT,
        now,
        employed=employed,
        earnings_yuan=(income or 0) * 3 if employed else 0,
    )


def outcome_q4(journey: "JourneyState", deadline: Deadline, now: datetime) -> None:
    employed = journey.employment is not None and journey.employment.ended_at is None
    journey.measure(OutcomeIndicator.EMPLOYED_Q4_AFTER_EXIT, now, employed=employed)
    journey.measure(OutcomeIndicator.CREDENTIAL_ATTAINED, now, credential=journey.credentials > 0)
    journey.finished = True


EventHandler = Callable[["JourneyState", JourneyEvent, datetime], None]
DeadlineHandler = Callable[["JourneyState", Deadline, datetime], None]

EVENT_HANDLERS: dict[str, EventHandler] = {
    "intake.worker_registered.v1": registered,
    "intake.case_assigned.v1": assigned,
    "intake.skills_profile_updated.v1": guided,
    "intake.guidance_session_recorded.v1": guided,
    "intake.plan_status_changed.v1": plan_changed,
    "intake.case_closed.v1": case_closed,
    "intake.case_reopened.v1": case_reopened,
    "training.enrolled.v1": enrolled,
    "training.completed.v1": training_completed,
    "training.failed.v1": training_ended_unfinished,
    "training.withdrawn.v1": training_ended_unfinished,
    "training.certificate_issued.v1": certified,
    "placement.hired.v1": hired,
    "placement.job_ended.v1": work_ended,
    "placement.business_started.v1": business_started,
    "placement.business_closed.v1": work_ended,
    "placement.follow_up_task_created.v1": follow_up_task_created,
    "placement.follow_up_completed.v1": follow_up_completed,
    "complaints.complaint_opened.v1": complaint_opened,
    "benefits.application_decided.v1": benefit_decided,
    "complaints.complaint_closed.v1": complaint_closed,
    **{event_type: referred for event_type in REFERRAL_EVENT_TYPES},
}

DEADLINE_HANDLERS: dict[DeadlineKind, DeadlineHandler] = {
    DeadlineKind.EMPLOYMENT_STARTS: employment_starts,
    DeadlineKind.FOLLOW_UP_DUE: follow_up_due,
    DeadlineKind.FOLLOW_UP_REMIND: follow_up_remind,
    DeadlineKind.FOLLOW_UP_ESCALATE: follow_up_escalate,
    DeadlineKind.STABILITY_CHECK: stability_check,
    DeadlineKind.JOB_SEARCH_REVIEW: job_search_review,
    DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION: zero_employment_overdue,
    DeadlineKind.OUTCOME_Q2: outcome_q2,
    DeadlineKind.OUTCOME_Q4: outcome_q4,
}

JOURNEY_EVENT_TYPES = frozenset(EVENT_HANDLERS) | {
    "complaints.complaint_status_changed.v1",
    "training.waitlisted.v1",
}
"""The event types the bridge delivers to journeys; the rest of a topic is ignored."""
