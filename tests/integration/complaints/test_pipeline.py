"""The complaint pipeline on real parts: API → outbox → relay → Tansu → consumer loop → ComplaintBridge →
Temporal dev server → ComplaintResolution → activities → API. A day passes in a second."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest_asyncio
from temporalio.worker import Worker

from contracts.topics import COMPLAINTS_EVENTS
from services.common import kafka
from services.common.consumer import EventConsumer, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.relay import Relay, RelayTuning
from services.common.settings import ServiceSettings
from services.common.temporal import connect
from services.complaints import models
from services.complaints.app import create_app
from tests.http_checks import body
from tests.infrastructure import Broker, TemporalDevServer, migrated_database
from tests.integration.complaints.conftest import ISSUER, MIGRATIONS, OFFICER, SUPERVISOR, file_complaint
from workflows.complaint import COMPLAINT_WORKFLOWS
from workflows.complaint_activities import complaint_activities
from workflows.complaint_bridge import ComplaintBridge

ONE_DAY_PER_SECOND = 86400.0


class ComplaintPipeline:
    def __init__(self, database_url: str, broker: Broker, temporal: TemporalDevServer) -> None:
        self.database_url = database_url
        self.bootstrap = broker.bootstrap
        self.temporal_address = temporal.address
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.cleanups: list[Callable[[], Awaitable[object]]] = []

    async def start(self) -> httpx.AsyncClient:
        settings = ServiceSettings(database_url=self.database_url, temporal_address=self.temporal_address)
        self.app = create_app(settings, token_verifier=ISSUER.verifier())
        self.lifespan = self.app.router.lifespan_context(self.app)
        await self.lifespan.__aenter__()
        self.api = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://complaints"
        )
        self.workflow_http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://complaints",
            auth=ISSUER.service_auth(),
        )
        self.engine = create_engine(self.database_url)
        client = await connect(self.temporal_address, "default")
        task_queue = f"complaints-{uuid.uuid4().hex[:8]}"
        self.worker = Worker(
            client,
            task_queue=task_queue,
            workflows=COMPLAINT_WORKFLOWS,
            activities=complaint_activities(self.workflow_http),
        )
        self.tasks.append(asyncio.create_task(self.worker.run()))
        await self._relay()
        bridge = ComplaintBridge(client, task_queue=task_queue, time_scale=ONE_DAY_PER_SECOND)
        await self._consumer(bridge)
        return self.api

    async def _relay(self) -> None:
        publisher = kafka.KafkaPublisher(self.bootstrap, client_id="complaints-relay")
        await publisher.start()
        relay = Relay(
            service="complaints",
            outbox=models.outbox,
            sessions=session_factory(self.engine),
            publisher=publisher,
            tuning=RelayTuning(watch_seconds=0.5, max_backoff_seconds=0.5),
        )
        self.tasks.append(asyncio.create_task(relay.run(self.stop)))
        self.cleanups.append(publisher.stop)

    async def _consumer(self, bridge: ComplaintBridge) -> None:
        group = f"bridge-{uuid.uuid4().hex[:8]}"
        source = kafka.group_consumer(
            self.bootstrap, group_id=group, session_timeout_ms=6000, topics=[COMPLAINTS_EVENTS]
        )
        dead_letters = kafka.producer(self.bootstrap, client_id=f"{group}-dlq")
        await dead_letters.start()
        await source.start()
        consumer = EventConsumer(
            name="bridge",
            consumer=source,
            handler=bridge,
            dead_letters=KafkaDeadLetters(consumer="bridge", producer=dead_letters),
            retry_backoff_seconds=0.05,
        )
        self.tasks.append(asyncio.create_task(consumer.run(self.stop)))
        self.cleanups += [source.stop, dead_letters.stop]

    async def close(self) -> None:
        self.stop.set()
        await self.worker.shutdown()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for cleanup in reversed(self.cleanups):
            await cleanup()
        await self.api.aclose()
        await self.workflow_http.aclose()
        await self.lifespan.__aexit__(None, None, None)
        await self.engine.dispose()


@pytest_asyncio.fixture
async def pipeline_api(
    tmp_path: Path, broker: Broker, temporal_server: TemporalDevServer
) -> AsyncIterator[httpx.AsyncClient]:
    async with migrated_database("sqlite", tmp_path, MIGRATIONS) as url:
        pipeline = ComplaintPipeline(url, broker, temporal_server)
        try:
            yield await pipeline.start()
        finally:
            await pipeline.close()


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.2)


async def test_nobody_acknowledges_so_it_escalates_then_it_is_resolved_and_checked(
    pipeline_api: httpx.AsyncClient,
) -> None:
    api = pipeline_api
    complaint = await file_complaint(api)
    url = f"/complaints/{complaint['complaint_id']}"

    async def details() -> dict[str, Any]:
        payloadoad: dict[str, Any] = body(await api.get(url, headers=SUPERVISOR))
        return payloadoad

    async def escalated() -> bool:
        level: str | None = (await details())["escalation_level"]
        return level == "supervisor"

    await eventually(escalated, timeout=30, what="the acknowledgement deadline escalated to the supervisor")
    kinds = [action["kind"] for action in (await details())["actions"]]
    assert kinds[:2] == ["reminder", "escalation"]

    await api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)

    async def watching_resolution() -> bool:
        answer = await api.get(f"{url}/deadlines", headers=OFFICER)
        running = answer.json().get("running") if answer.status_code == 200 else None
        return running is not None and running["kind"] == "resolution"

    await eventually(watching_resolution, timeout=20, what="the workflow watches the resolution deadline")
    await api.post(f"{url}/resolution", json={"outcome": "upheld", "summary": "Wages paid"}, headers=OFFICER)

    async def checked() -> bool:
        return any(action["kind"] == "satisfaction_check" for action in (await details())["actions"])

    await eventually(checked, timeout=30, what="the satisfaction check a week after closing")
