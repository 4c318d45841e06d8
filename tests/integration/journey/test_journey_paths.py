"""Months-long journeys on the time-skipping server: the happy path, a job that ends, a missed follow-up,
an exit, refused caseworker actions."""

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError

from contracts.journey import (
    CLOSE_AS_STABLE_UPDATE,
    RECORD_EXIT_UPDATE,
    ExitReason,
    ExitRequest,
    FollowUpStatus,
    JourneyStage,
    StableClosureRequest,
    UpdateOutcome,
)
from tests.http_checks import body
from tests.integration.journey.conftest import Journeys, eventually
from tests.integration.journey.histories import keep_history


async def stage_is(journeys: Journeys, case_id: str, stage: JourneyStage) -> None:
    async def reached() -> bool:
        return (await journeys.status(case_id)).stage == stage

    await eventually(reached)


async def follow_up_is(journeys: Journeys, case_id: str, sequence: int, status: FollowUpStatus) -> str:
    async def reached() -> bool:
        follow_ups = (await journeys.status(case_id)).follow_ups
        return any(f.sequence == sequence and f.status == status for f in follow_ups)

    await eventually(reached)
    follow_ups = (await journeys.status(case_id)).follow_ups
    return next(f.task_key for f in follow_ups if f.sequence == sequence and f.status == status)


async def accepted_updates(journeys: Journeys, case_id: str) -> int:
    history = await journeys.handle(case_id).fetch_history()
    return sum(
        event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
        for event in history.events
    )


async def test_worker_trains_is_hired_followed_up_three_times_and_closes_as_stable(journeys: Journeys):
    case_id = await journeys.register()
    await journeys.start(case_id)
    await stage_is(journeys, case_id, JourneyStage.ASSESSMENT)
    await journeys.signal(case_id, "intake.skills_profile_updated.v1", version=1)
    await stage_is(journeys, case_id, JourneyStage.GUIDANCE_AND_PLAN)
    await journeys.signal(
        case_id, "intake.plan_status_changed.v1", revision=1, track="training", status="approved"
    )
    await stage_is(journeys, case_id, JourneyStage.TRAINING)
    await journeys.pass_days(40)
    await journeys.signal(case_id, "training.completed.v1", class_id="class-1", course_id="cooking")
    await stage_is(journeys, case_id, JourneyStage.JOB_SEARCH)
    await journeys.hire(case_id, "hire-1")
    await stage_is(journeys, case_id, JourneyStage.FOLLOW_UP)

    previous = 0
    for sequence, day in ((1, 31), (2, 91), (3, 181)):
        await journeys.pass_days(day - previous)
        previous = day
        task_key = await follow_up_is(journeys, case_id, sequence, FollowUpStatus.OPEN)
        assert task_key in journeys.desk.tasks
        await journeys.complete_follow_up(case_id, task_key)
        await follow_up_is(journeys, case_id, sequence, FollowUpStatus.COMPLETED)

    await journeys.pass_days(5)
    await stage_is(journeys, case_id, JourneyStage.STABLE_EMPLOYMENT)

    async def case_closed() -> bool:
        case = await journeys.case(case_id)
        return case["status"] == "closed" and case["journey_stage"] == "stable_employment"

    await eventually(case_closed)
    events = await journeys.journey_events(case_id)
    assert events.count("journey.stage_changed.v1") == 6
    await journeys.pass_days(460)

    async def finished() -> bool:
        return (await journeys.handle(case_id).describe()).status == WorkflowExecutionStatus.COMPLETED

    await eventually(finished)
    events = await journeys.journey_events(case_id)
    assert events.count("journey.outcome_measured.v1") == 4
    history = await journeys.handle(case_id).fetch_history()
    assert len(history.events) < 10_000
    await keep_history(journeys, case_id, None, "journey_happy_path")


async def test_a_job_that_ends_sends_the_worker_back_to_job_search_with_history_kept(journeys: Journeys):
    case_id = await journeys.register()
    await journeys.start(case_id)
    await journeys.signal(
        case_id, "intake.plan_status_changed.v1", revision=1, track="job_search", status="approved"
    )
    await stage_is(journeys, case_id, JourneyStage.JOB_SEARCH)
    await journeys.hire(case_id, "hire-1")
    await stage_is(journeys, case_id, JourneyStage.FOLLOW_UP)
    await journeys.pass_days(31)
    await follow_up_is(journeys, case_id, 1, FollowUpStatus.OPEN)
    await journeys.signal(
        case_id, "placement.job_ended.v1", hire_id="hire-1", ended_on="2026-12-30", reason="dismissed"
    )
    await stage_is(journeys, case_id, JourneyStage.JOB_SEARCH)
    status = await journeys.status(case_id)
    assert [f.status for f in status.follow_ups] == [FollowUpStatus.CANCELLED] * 3

    async def cancelled_in_placement() -> bool:
        return journeys.desk.tasks[status.follow_ups[0].task_key]["status"] == "cancelled"

    await eventually(cancelled_in_placement)
    assert status.employed_since is None
    await journeys.hire(case_id, "hire-2")
    await stage_is(journeys, case_id, JourneyStage.FOLLOW_UP)
    timeline = [entry.kind for entry in (await journeys.timeline(case_id)).entries]
    assert timeline.count("placement.hired.v1") == 2 and "placement.job_ended.v1" in timeline
    await keep_history(journeys, case_id, None, "journey_job_ended")


async def test_a_missed_follow_up_reminds_the_assistant_then_escalates(journeys: Journeys):
    case_id = await journeys.register()
    await journeys.start(case_id)
    await journeys.hire(case_id, "hire-1")
    await journeys.pass_days(31)
    await follow_up_is(journeys, case_id, 1, FollowUpStatus.OPEN)
    await journeys.pass_days(8)
    await follow_up_is(journeys, case_id, 1, FollowUpStatus.OVERDUE)
    await journeys.pass_days(7)
    await follow_up_is(journeys, case_id, 1, FollowUpStatus.ESCALATED)

    async def published() -> bool:
        events = await journeys.journey_events(case_id)
        return "journey.follow_up_overdue.v1" in events and "journey.follow_up_escalated.v1" in events

    await eventually(published)


async def test_an_exit_closes_the_case_and_refused_actions_leave_no_trace(journeys: Journeys):
    case_id = await journeys.register()
    await journeys.start(case_id)
    await journeys.hire(case_id, "hire-1")
    await stage_is(journeys, case_id, JourneyStage.FOLLOW_UP)
    handle = journeys.handle(case_id)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(CLOSE_AS_STABLE_UPDATE, StableClosureRequest(), result_type=UpdateOutcome)
    assert "stability period" in str(refused.value.cause)
    assert await accepted_updates(journeys, case_id) == 0

    outcome = await handle.execute_update(
        RECORD_EXIT_UPDATE,
        ExitRequest(reason=ExitReason.MOVED_AWAY, note="moved to Shenzhen"),
        result_type=UpdateOutcome,
    )
    assert outcome.stage == JourneyStage.EXITED

    async def case_closed() -> bool:
        case = await journeys.case(case_id)
        return case["status"] == "closed" and case["journey_stage"] == "exited"

    await eventually(case_closed)
    history = body(await journeys.intake.get(f"/workers/{case_id}/history"))
    assert history[-1]["reason"] == "moved_away"
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            RECORD_EXIT_UPDATE, ExitRequest(reason=ExitReason.RETIRED), result_type=UpdateOutcome
        )
    assert "already closed" in str(refused.value.cause)
