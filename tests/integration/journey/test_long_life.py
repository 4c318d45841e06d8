"""A two-year journey continues as new before its history grows large, and keeps everything it knew."""

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus

from contracts.journey import FollowUpStatus, JourneyStage
from tests.integration.journey.conftest import Journeys, eventually
from tests.integration.journey.histories import keep_history
from workflows import policy
from workflows.policy import JourneyPolicy

MONTHS = 24
PROGRESS_NOTES_A_MONTH = 40


async def test_a_two_year_journey_continues_as_new_with_its_memory_and_small_histories(
    journeys: Journeys, monkeypatch: pytest.MonkeyPatch
):
    """The locality's policy continues as new every 400 events, so that how signals happen to be batched
    into workflow tasks cannot decide whether the path crosses the threshold."""
    monkeypatch.setitem(policy.LOCAL_POLICIES, "LL", JourneyPolicy(history_events_before_continue_as_new=400))
    case_id = await journeys.register()
    await journeys.start(case_id, community_code="LL-01")
    first_run = (await journeys.handle(case_id).describe()).run_id
    await journeys.approve_plan(case_id, "job_search")
    for month in range(MONTHS - 4):
        for note in range(PROGRESS_NOTES_A_MONTH):
            await journeys.signal(case_id, "placement.referral_made.v1", referral_id=f"r-{month}-{note}")
        await journeys.pass_days(30)
    await journeys.hire(case_id, "hire-1")
    for _ in range(4):
        await journeys.pass_days(30)
    await journeys.pass_days(70)

    async def stable() -> bool:
        return (await journeys.status(case_id)).stage == JourneyStage.STABLE_EMPLOYMENT

    await eventually(stable, seconds=60)
    status = await journeys.status(case_id)
    assert status.events_applied == 2 + (MONTHS - 4) * PROGRESS_NOTES_A_MONTH + 1
    assert [f.status for f in status.follow_ups] == [
        FollowUpStatus.ESCALATED,
        FollowUpStatus.ESCALATED,
        FollowUpStatus.OPEN,
    ]

    runs = await history_lengths(journeys, case_id, first_run)
    assert len(runs) > 1, "the journey never continued as new"
    assert max(runs) < 10_000
    await keep_history(journeys, case_id, first_run, "journey_continued_as_new")


async def history_lengths(journeys: Journeys, case_id: str, first_run: str | None) -> list[int]:
    """The history length of every run of the journey, following continue-as-new."""
    lengths, run_id = [], first_run
    while run_id is not None:
        handle = journeys.env.client.get_workflow_handle(f"journey-{case_id}", run_id=run_id)
        history = await handle.fetch_history()
        lengths.append(len(history.events))
        last = history.events[-1]
        run_id = None
        if last.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
            run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    describe = await journeys.handle(case_id).describe()
    assert describe.status == WorkflowExecutionStatus.RUNNING
    return lengths
