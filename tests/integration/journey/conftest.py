"""Months-long journeys on Temporal's time-skipping test server, with the real intake service behind them."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.journey import (
    EVENT_SIGNAL,
    STATUS_QUERY,
    TIMELINE_QUERY,
    WORKFLOW_NAME,
    JourneyEvent,
    JourneyInput,
    JourneyStatus,
    JourneyTimeline,
    journey_id,
)
from deploy.dev import components
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from tests.factories import NETWORK, assistant, registration
from tests.http_checks import body
from tests.infrastructure import migrated_database
from tests.tokens import TestIssuer
from workflows.activities import JourneyActivities
from workflows.reconciler_activities import ReconcilerActivities
from workflows.restructuring_activities import RestructuringActivities
from workflows.worker import build_worker

INTAKE_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "intake" / "migrations"


@pytest_asyncio.fixture
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """A test server of the test's own: one whose clock other tests' journeys cannot hold back."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=components.temporal_test_server(), data_converter=pydantic_data_converter
    )
    yield env
    await env.shutdown()


class FollowUpDesk:
    """Placement's follow-up task endpoints as the journey uses them: `PUT /follow-up-tasks/{key}` and
    `POST /follow-up-tasks/{key}/cancellation`."""

    def __init__(self) -> None:
        self.tasks: dict[str, dict[str, Any]] = {}
        self.calls = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if request.url.path.endswith("/cancellation"):
            key = request.url.path.split("/")[-2]
            self.tasks[key]["status"] = "cancelled"
            return httpx.Response(200, json=self.tasks[key])
        key = request.url.path.rsplit("/", 1)[-1]
        task = json.loads(request.read())
        if key in self.tasks:
            return httpx.Response(200, json=self.tasks[key])
        self.tasks[key] = task | {"task_key": key, "status": "open"}
        return httpx.Response(201, json=self.tasks[key])


class Journeys:
    """Drives journeys as the bridge and the services would, and reads what they did."""

    def __init__(self, env: WorkflowEnvironment, intake: httpx.AsyncClient, desk: FollowUpDesk, queue: str):
        self.env = env
        self.intake = intake
        self.desk = desk
        self.task_queue = queue

    async def register(self, **overrides: Any) -> str:
        response = await self.intake.post("/workers", json=registration(**overrides))
        assert response.status_code == 201, response.text
        case_id: str = response.json()["case_id"]
        return case_id

    async def start(
        self, case_id: str, *, community_code: str = "ZS-01", flags: list[str] | None = None
    ) -> None:
        await self.env.client.start_workflow(
            WORKFLOW_NAME,
            JourneyInput(case_id=case_id, search_attributes=False),
            id=journey_id(case_id),
            task_queue=self.task_queue,
            start_signal=EVENT_SIGNAL,
            start_signal_args=[
                self.event(
                    "intake.worker_registered.v1",
                    community_code=community_code,
                    layoff_date="2026-09-30",
                    layoff_reason="restructuring",
                    registered_at=datetime.now(UTC).isoformat(),
                    hardship_flags=flags or [],
                )
            ],
        )

    def event(self, event_type: str, **data: Any) -> JourneyEvent:
        return JourneyEvent(
            event_id=str(uuid.uuid4()), event_type=event_type, occurred_at=datetime.now(UTC), data=data
        )

    def handle(self, case_id: str) -> WorkflowHandle[Any, Any]:
        return self.env.client.get_workflow_handle(journey_id(case_id))

    async def signal(self, case_id: str, event_type: str, **data: Any) -> JourneyEvent:
        event = self.event(event_type, **data)
        await self.handle(case_id).signal(EVENT_SIGNAL, event)
        return event

    async def status(self, case_id: str) -> JourneyStatus:
        status: JourneyStatus = await self.handle(case_id).query(STATUS_QUERY, result_type=JourneyStatus)
        return status

    async def timeline(self, case_id: str) -> JourneyTimeline:
        timeline: JourneyTimeline = await self.handle(case_id).query(
            TIMELINE_QUERY, result_type=JourneyTimeline
        )
        return timeline

    async def approve_plan(self, case_id: str, track: str) -> None:
        await self.signal(
            case_id, "intake.plan_status_changed.v1", revision=1, track=track, status="approved"
        )

    async def hire(self, case_id: str, hire_id: str, **terms: Any) -> None:
        await self.signal(
            case_id,
            "placement.hired.v1",
            hire_id=hire_id,
            employer_id="employer-1",
            vacancy_id=None,
            employment_form="full_time",
            has_labour_contract=terms.get("has_labour_contract", True),
            contract_months=12,
            start_date=terms.get("start_date", (await self.env.get_current_time()).date().isoformat()),
            monthly_wage_yuan=terms.get("monthly_wage_yuan", 3600),
            social_insurance=terms.get("social_insurance", True),
            hired_at=datetime.now(UTC).isoformat(),
        )

    async def complete_follow_up(self, case_id: str, task_key: str, *, still_working: bool = True) -> None:
        await self.signal(
            case_id,
            "placement.follow_up_completed.v1",
            task_id=str(uuid.uuid4()),
            task_key=task_key,
            still_working=still_working,
            has_labour_contract=True,
            social_insurance=True,
            monthly_earnings_yuan=3600,
            satisfaction=4,
            completed_at=datetime.now(UTC).isoformat(),
        )

    async def journey_events(self, case_id: str) -> list[str]:
        """The journey's events intake kept in its outbox for this case, oldest first."""
        app = self.intake._transport.app  # type: ignore[attr-defined]
        from sqlalchemy import select

        from services.intake.models import outbox

        async with app.state.intake.sessions() as session:
            rows = await session.execute(
                select(outbox.c.event_type)
                .where(outbox.c.message_key == case_id, outbox.c.event_type.like("journey.%"))
                .order_by(outbox.c.seq)
            )
            return [row[0] for row in rows]

    async def case(self, case_id: str) -> dict[str, Any]:
        payload: dict[str, Any] = body(await self.intake.get(f"/workers/{case_id}"))
        return payload

    async def pass_days(self, days: float) -> None:
        await self.env.sleep(timedelta(days=days))


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 20.0) -> None:
    """Wait (in real time) until `check` holds: activities run in real time while the clock is skipped."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the condition did not come true in time")
        await asyncio.sleep(0.05)


@pytest_asyncio.fixture
async def journeys(time_skipping: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[Journeys]:
    async with migrated_database("sqlite", tmp_path, INTAKE_MIGRATIONS) as url:
        issuer = TestIssuer()
        app = create_app(ServiceSettings(database_url=url), token_verifier=issuer.verifier())
        async with app.router.lifespan_context(app):
            intake = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://intake", auth=issuer.service_auth()
            )
            for path, body in NETWORK:
                assert (await intake.post(path, json=body)).status_code == 201
            assert (await intake.post("/assistants", json=assistant())).status_code == 201
            desk = FollowUpDesk()
            placement = httpx.AsyncClient(
                transport=httpx.MockTransport(desk.handle), base_url="http://placement"
            )
            queue = f"journeys-{uuid.uuid4().hex[:8]}"
            worker = build_worker(
                time_skipping.client,
                JourneyActivities(
                    intake=intake,
                    placement=placement,
                    benefits=httpx.AsyncClient(base_url="http://benefits.invalid"),
                ),
                ReconcilerActivities(client=time_skipping.client, intake=intake),
                RestructuringActivities(intake=intake),
                httpx.AsyncClient(base_url="http://complaints.invalid"),
                task_queue=queue,
            )
            async with worker:
                yield Journeys(time_skipping, intake, desk, queue)
            await placement.aclose()
            await intake.aclose()
