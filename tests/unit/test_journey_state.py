"""The journey's rules without a server: stages, timers, the stability rule, time scale, outcome quarters."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.events.journey import ReviewKind
from contracts.journey import ExitReason, FollowUpStatus, JourneyEvent, JourneyStage
from workflows.journey_memory import CancelFollowUpTask, CreateFollowUpTask, PublishEvent
from workflows.journey_state import JourneyState
from workflows.stages import TRANSITIONS, next_stage

START = datetime(2026, 10, 1, tzinfo=UTC)


def event(event_type: str, **data: Any) -> JourneyEvent:
    return JourneyEvent(event_id=str(uuid.uuid4()), event_type=event_type, occurred_at=START, data=data)


def journey(flags: list[str] | None = None, *, time_scale: float = 1.0) -> JourneyState:
    state = JourneyState(case_id="case-1", time_scale=time_scale, stage_since=START)
    state.apply(
        event("intake.worker_registered.v1", community_code="ZS-01", hardship_flags=flags or []), START
    )
    return state


def hire(state: JourneyState, at: datetime, **terms: Any) -> None:
    data = {
        "hire_id": terms.pop("hire_id", "hire-1"),
        "start_date": at.date().isoformat(),
        "has_labour_contract": True,
        "social_insurance": True,
        "monthly_wage_yuan": 3600,
    } | terms
    state.apply(event("placement.hired.v1", **data), at)


def published(state: JourneyState, event_type: str) -> list[dict[str, Any]]:
    return [a.data for a in state.actions if isinstance(a, PublishEvent) and a.event_type == event_type]


def test_a_repeated_event_is_applied_once():
    state = journey()
    repeated = event("intake.guidance_session_recorded.v1")
    assert state.apply(repeated, START) is True
    assert state.apply(repeated, START) is False
    assert state.events_applied == 2


def test_stage_table_only_reopens_a_closed_journey():
    for closed in (JourneyStage.STABLE_EMPLOYMENT, JourneyStage.EXITED):
        assert TRANSITIONS[closed] == {JourneyStage.ASSESSMENT}
    assert next_stage(JourneyStage.FOLLOW_UP, JourneyStage.TRAINING) is None
    assert next_stage(JourneyStage.FOLLOW_UP, JourneyStage.JOB_SEARCH) == JourneyStage.JOB_SEARCH


def test_a_late_event_leaves_the_stage_and_is_kept_in_the_timeline():
    state = journey()
    hire(state, START)
    state.apply(event("intake.plan_status_changed.v1", track="training", status="approved"), START)
    assert state.stage == JourneyStage.PLACED
    assert state.timeline[-1].kind == "intake.plan_status_changed.v1"
    assert state.timeline[-1].detail == "plan approved (training)"


def test_follow_ups_fall_due_at_the_policy_intervals_and_create_tasks():
    state = journey()
    hire(state, START)
    assert [f.due_at - START for f in state.follow_ups] == [timedelta(days=d) for d in (30, 90, 180)]
    state.fire_due(START + timedelta(days=30))
    assert state.stage == JourneyStage.FOLLOW_UP
    tasks = [action for action in state.actions if isinstance(action, CreateFollowUpTask)]
    assert [(t.sequence, t.due_on) for t in tasks] == [(1, (START + timedelta(days=30)).date())]
    assert state.follow_ups[0].status == FollowUpStatus.OPEN


def test_time_scale_compresses_every_interval():
    state = journey(time_scale=86_400)
    hire(state, START)
    assert [(f.due_at - START).total_seconds() for f in state.follow_ups] == [30, 90, 180]
    assert state.stable_employment_due() == START + timedelta(seconds=182)


def test_stability_needs_the_period_a_contract_and_social_insurance():
    state = journey()
    hire(state, START, social_insurance=False)
    later = START + timedelta(days=183)
    assert state.stability_gaps(START + timedelta(days=10))[0].startswith("the stability period runs until")
    state.fire_due(later)
    assert state.stage == JourneyStage.FOLLOW_UP
    assert published(state, "journey.review_due.v1")[-1]["kind"] == ReviewKind.STABILITY_NOT_MET
    assert state.stability_gaps(later) == ["no social insurance"]
    third = state.follow_ups[2].task_key
    state.apply(
        event(
            "placement.follow_up_completed.v1",
            task_key=third,
            still_working=True,
            has_labour_contract=True,
            social_insurance=True,
            monthly_earnings_yuan=3800,
        ),
        later,
    )
    assert state.stage == JourneyStage.STABLE_EMPLOYMENT


def test_a_business_is_stable_with_a_licence_and_income_at_the_minimum_wage():
    state = journey()
    state.apply(
        event(
            "placement.business_started.v1",
            business_id="b-1",
            kind="restaurant",
            started_on=START.date().isoformat(),
            licence_reference=None,
            expected_monthly_income_yuan=2000,
        ),
        START,
    )
    assert state.stage == JourneyStage.BUSINESS_STARTED
    gaps = state.stability_gaps(START + timedelta(days=200))
    assert gaps == ["no business licence", "income below the local minimum wage (2420 yuan)"]


def test_no_progress_in_job_search_asks_for_a_review_every_thirty_days():
    state = journey()
    state.apply(event("intake.plan_status_changed.v1", track="job_search", status="approved"), START)
    state.fire_due(START + timedelta(days=29))
    assert not published(state, "journey.review_due.v1")
    state.apply(event("placement.referral_made.v1", referral_id="r-1"), START + timedelta(days=29))
    state.fire_due(START + timedelta(days=58))
    assert not published(state, "journey.review_due.v1")
    state.fire_due(START + timedelta(days=59))
    state.fire_due(START + timedelta(days=89))
    kinds = [review["kind"] for review in published(state, "journey.review_due.v1")]
    assert kinds == [ReviewKind.JOB_SEARCH_STALLED] * 2


def test_a_zero_employment_family_gets_a_recommendation_within_thirty_days():
    state = journey(["zero_employment_family"])
    state.fire_due(START + timedelta(days=31))
    kinds = [review["kind"] for review in published(state, "journey.review_due.v1")]
    assert kinds == [ReviewKind.ZERO_EMPLOYMENT_RECOMMENDATION_OVERDUE]
    recommended = journey(["zero_employment_family"])
    recommended.apply(event("placement.referral_made.v1", referral_id="r-1"), START + timedelta(days=3))
    recommended.fire_due(START + timedelta(days=31))
    assert not published(recommended, "journey.review_due.v1")


def test_a_training_that_ends_unfinished_asks_for_a_plan_review():
    state = journey()
    state.apply(event("training.enrolled.v1", class_id="c-1"), START)
    assert state.stage == JourneyStage.TRAINING
    state.apply(event("training.failed.v1", class_id="c-1", reason="attendance_below_minimum"), START)
    assert state.stage == JourneyStage.GUIDANCE_AND_PLAN
    assert published(state, "journey.review_due.v1")[-1]["kind"] == ReviewKind.PLAN_REVIEW_AFTER_TRAINING


def test_outcomes_are_measured_in_the_second_and_fourth_quarter_after_exit():
    state = journey()
    hire(state, START)
    state.apply(event("training.certificate_issued.v1", certificate_name="中式烹调师"), START)
    state.record_exit(ExitReason.MOVED_AWAY, "", START + timedelta(days=40))
    assert state.stage == JourneyStage.EXITED
    assert sorted(d.at for d in state.deadlines) == [
        datetime(2027, 7, 1, tzinfo=UTC),
        datetime(2028, 1, 1, tzinfo=UTC),
    ]
    state.fire_due(datetime(2028, 1, 1, tzinfo=UTC))
    measures = {m["indicator"]: m for m in published(state, "journey.outcome_measured.v1")}
    assert measures["employed_q2_after_exit"]["employed"] is True
    assert measures["earnings_q2_after_exit"]["earnings_yuan"] == 3600 * 3
    assert measures["credential_attained"]["credential"] is True
    assert measures["employed_q4_after_exit"]["exit_quarter"] == "2026Q4"
    assert state.finished


def test_a_reopened_case_starts_over_in_assessment():
    state = journey()
    state.apply(event("intake.case_closed.v1", reason="declined_service"), START)
    assert state.stage == JourneyStage.EXITED
    state.apply(event("intake.case_reopened.v1", reason="returned"), START + timedelta(days=5))
    assert state.stage == JourneyStage.ASSESSMENT
    assert not state.deadlines and not state.finished


def test_state_survives_continue_as_new_whole():
    state = journey(["aged_4050"])
    hire(state, START)
    carried = JourneyState.model_validate(state.model_dump(mode="json"))
    assert carried == state


def cancelled_tasks(state: JourneyState) -> list[str]:
    return [action.task_key for action in state.actions if isinstance(action, CancelFollowUpTask)]


def test_open_follow_ups_are_cancelled_in_placement_when_the_work_ends_or_the_worker_leaves():
    state = journey()
    hire(state, START)
    state.fire_due(START + timedelta(days=30))
    state.apply(
        event("placement.job_ended.v1", hire_id="hire-1", reason="dismissed"), START + timedelta(days=31)
    )
    assert cancelled_tasks(state) == [state.follow_ups[0].task_key]
    assert [f.status for f in state.follow_ups] == [FollowUpStatus.CANCELLED] * 3

    leaving = journey()
    hire(leaving, START)
    leaving.fire_due(START + timedelta(days=90))
    leaving.record_exit(ExitReason.MOVED_AWAY, "", START + timedelta(days=91))
    assert cancelled_tasks(leaving) == [f.task_key for f in leaving.follow_ups[:2]]


def test_a_due_follow_up_stays_open_at_stable_employment():
    state = journey()
    hire(state, START)
    state.fire_due(START + timedelta(days=180))
    state.fire_due(START + timedelta(days=183))
    assert state.stage == JourneyStage.STABLE_EMPLOYMENT
    assert cancelled_tasks(state) == []
    assert state.follow_ups[2].status == FollowUpStatus.OPEN
