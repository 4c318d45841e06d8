"""The RestructuringPlan workflow on the time-skipping server, with the real intake service: reminders before
the congress's deadline, the roster taken in after approval, a rejected plan revised and voted again."""

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from contracts.envelope import Envelope
from contracts.journey import EVENT_SIGNAL, JourneyEvent
from contracts.restructuring import (
    PLAN_EVENT_TYPES,
    STATUS_QUERY,
    WORKFLOW_NAME,
    PlanProgress,
    RestructuringInput,
    RestructuringStatus,
    restructuring_id,
)
from services.intake.models import WorkerCase, outbox
from tests.factories import registration
from tests.http_checks import body
from tests.integration.intake.test_restructuring import FAILING, PASSING, PLAN
from tests.integration.journey.conftest import Journeys, eventually


class PlanDesk:
    """Submits a plan through intake and delivers its events to the plan's workflow, as the bridge does."""

    def __init__(self, journeys: Journeys) -> None:
        self.journeys = journeys
        self.intake = journeys.intake
        self.sessions = journeys.intake._transport.app.state.intake.sessions  # type: ignore[attr-defined]

    async def submit(self, **changes: Any) -> str:
        today = (await self.journeys.env.get_current_time()).date()
        body = PLAN | {"congress_vote_deadline": (today + timedelta(days=10)).isoformat()} | changes
        response = await self.intake.post("/restructuring-plans", json=body)
        assert response.status_code == 201, response.text
        plan_id: str = response.json()["plan_id"]
        return plan_id

    async def deliver(self, plan_id: str) -> None:
        async with self.sessions() as session:
            rows = await session.execute(
                select(outbox.c.payload)
                .where(outbox.c.message_key == plan_id, outbox.c.event_type.in_(PLAN_EVENT_TYPES))
                .order_by(outbox.c.seq)
            )
            events = [_as_signal(row.payload) for row in rows]
        for event in events:
            await self.journeys.env.client.start_workflow(
                WORKFLOW_NAME,
                RestructuringInput(plan_id=plan_id),
                id=restructuring_id(plan_id),
                task_queue=self.journeys.task_queue,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[event],
            )

    async def status(self, plan_id: str) -> RestructuringStatus:
        handle = self.journeys.env.client.get_workflow_handle(restructuring_id(plan_id))
        status: RestructuringStatus = await handle.query(STATUS_QUERY, result_type=RestructuringStatus)
        return status

    async def reminders(self, plan_id: str) -> list[int]:
        async with self.sessions() as session:
            rows = await session.scalars(
                select(outbox.c.payload).where(
                    outbox.c.message_key == plan_id, outbox.c.event_type == "intake.congress_vote_reminded.v1"
                )
            )
            return [Envelope.model_validate_json(payload).data["days_left"] for payload in rows]

    async def cases(self) -> int:
        async with self.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(WorkerCase)) or 0)


def _as_signal(payload: str) -> JourneyEvent:
    envelope = Envelope.model_validate_json(payload)
    return JourneyEvent(
        event_id=envelope.id, event_type=envelope.type, occurred_at=envelope.time, data=envelope.data
    )


async def progress_is(desk: PlanDesk, plan_id: str, progress: PlanProgress) -> RestructuringStatus:
    async def reached() -> bool:
        return (await desk.status(plan_id)).progress == progress

    await eventually(reached)
    return await desk.status(plan_id)


async def test_the_congress_is_reminded_and_the_roster_taken_in_once_the_plan_passes(journeys: Journeys):
    desk = PlanDesk(journeys)
    plan_id = await desk.submit()
    roster = {"batch_id": f"roster-{uuid.uuid4().hex[:6]}", "workers": [registration() for _ in range(50)]}
    assert (
        await journeys.intake.put(f"/restructuring-plans/{plan_id}/roster", json=roster)
    ).status_code == 200
    await desk.deliver(plan_id)
    await progress_is(desk, plan_id, PlanProgress.AWAITING_VOTE)
    await journeys.pass_days(3.5)

    async def reminded_once() -> bool:
        return await desk.reminders(plan_id) == [7]

    await eventually(reminded_once)
    assert await desk.cases() == 0
    voted = await journeys.intake.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    assert body(voted)["status"] == "approved"
    await desk.deliver(plan_id)
    status = await progress_is(desk, plan_id, PlanProgress.TAKEN_IN)
    assert len(status.case_ids) == 50 and await desk.cases() == 50
    await journeys.pass_days(10)
    assert await desk.reminders(plan_id) == [7]


async def test_a_rejected_plan_waits_for_its_revision_and_passes_without_a_roster(journeys: Journeys):
    desk = PlanDesk(journeys)
    plan_id = await desk.submit()
    await desk.deliver(plan_id)
    await journeys.intake.post(f"/restructuring-plans/{plan_id}/vote", json=FAILING)
    await desk.deliver(plan_id)
    await progress_is(desk, plan_id, PlanProgress.REJECTED)
    await journeys.pass_days(12)
    assert await desk.reminders(plan_id) == []
    today = (await journeys.env.get_current_time()).date()
    revised = PLAN | {"congress_vote_deadline": (today + timedelta(days=5)).isoformat()}
    assert (await journeys.intake.put(f"/restructuring-plans/{plan_id}", json=revised)).status_code == 200
    await desk.deliver(plan_id)
    await progress_is(desk, plan_id, PlanProgress.AWAITING_VOTE)
    await journeys.pass_days(5.5)

    async def reminded_for_the_revision() -> bool:
        return await desk.reminders(plan_id) == [1, 0]

    await eventually(reminded_for_the_revision)
    await journeys.intake.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    await desk.deliver(plan_id)
    status = await progress_is(desk, plan_id, PlanProgress.APPROVED_WITHOUT_ROSTER)
    assert status.revision == 2
