"""The thin slice in one process on real parts: intake API, relay, bridge and Temporal worker."""

import asyncio
import uuid
from collections.abc import Callable

import httpx

from contracts.journey import JourneyStatus
from contracts.topics import INTAKE_EVENTS
from services.common import kafka
from services.common.consumer import EventConsumer, EventHandler, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.relay import Relay, RelayTuning
from services.common.settings import ServiceSettings
from services.common.temporal import JourneyGateway, LazyTemporalClient, connect
from services.intake.app import create_app
from services.intake.models import outbox
from tests.factories import NETWORK
from tests.tokens import TestIssuer
from workflows.activities import JourneyActivities
from workflows.bridge import JourneyBridge
from workflows.reconciler_activities import ReconcilerActivities
from workflows.restructuring_activities import RestructuringActivities
from workflows.worker import build_worker


class Pipeline:
    def __init__(self, *, database_url: str, bootstrap: str, temporal_address: str) -> None:
        self.database_url = database_url
        self.bootstrap = bootstrap
        self.temporal_address = temporal_address
        self.task_queue = f"journeys-{uuid.uuid4().hex[:8]}"
        self.issuer = TestIssuer()
        """Intake trusts this issuer; the worker's activities and the test call with its service tokens."""
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []
        self.cleanups: list[Callable[[], object]] = []

    async def start(self) -> None:
        self.engine = create_engine(self.database_url)
        self.client = await connect(self.temporal_address, "default")
        self.app = create_app(
            ServiceSettings(database_url=self.database_url, temporal_address=self.temporal_address),
            token_verifier=self.issuer.verifier(),
        )
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://intake",
            auth=self.issuer.service_auth(),
        )
        activities = JourneyActivities(
            intake=self.http,
            placement=self.absent_service("placement"),
            benefits=self.absent_service("benefits"),
        )
        self.worker = build_worker(
            self.client,
            activities,
            ReconcilerActivities(client=self.client, intake=self.http),
            RestructuringActivities(intake=self.http),
            self.absent_service("complaints"),
            task_queue=self.task_queue,
        )
        self.tasks.append(asyncio.create_task(self.worker.run()))
        for path, body in NETWORK:
            await self.http.post(path, json=body)
        await self.start_relay()
        self.consumer = await self.start_consumer(
            "bridge", JourneyBridge(self.client, task_queue=self.task_queue)
        )

    def absent_service(self, name: str) -> httpx.AsyncClient:
        """A service the thin slice does not run: its calls are refused (the journey notes them)."""

        async def refuse(request: httpx.Request) -> httpx.Response:
            return httpx.Response(404, json={"error": "not_found", "message": f"no {name} service here"})

        client = httpx.AsyncClient(transport=httpx.MockTransport(refuse), base_url=f"http://{name}")
        self.cleanups.append(client.aclose)
        return client

    async def start_relay(self) -> Relay:
        publisher = kafka.KafkaPublisher(self.bootstrap, client_id="test-relay")
        await publisher.start()
        relay = Relay(
            service="intake",
            outbox=outbox,
            sessions=session_factory(self.engine),
            publisher=publisher,
            tuning=RelayTuning(watch_seconds=0.5, max_backoff_seconds=0.5),
        )
        self.tasks.append(asyncio.create_task(relay.run(self.stop)))
        self.cleanups.append(publisher.stop)
        return relay

    async def start_consumer(self, name: str, handler: EventHandler) -> EventConsumer:
        group = f"{name}-{uuid.uuid4().hex[:8]}"
        source = kafka.group_consumer(
            self.bootstrap, group_id=group, session_timeout_ms=6000, topics=[INTAKE_EVENTS]
        )
        dead_letter_producer = kafka.producer(self.bootstrap, client_id=f"{group}-dlq")
        await dead_letter_producer.start()
        await source.start()
        consumer = EventConsumer(
            name=name,
            consumer=source,
            handler=handler,
            dead_letters=KafkaDeadLetters(consumer=name, producer=dead_letter_producer),
            retry_backoff_seconds=0.05,
        )
        self.tasks.append(asyncio.create_task(consumer.run(self.stop)))
        self.cleanups += [source.stop, dead_letter_producer.stop]
        return consumer

    async def register(self, body: dict[str, object]) -> str:
        response = await self.http.post("/workers", json=body)
        assert response.status_code == 201, response.text
        case_id: str = response.json()["case_id"]
        return case_id

    async def journey(self, case_id: str, *, timeout: float = 30.0) -> dict[str, object]:
        """Poll the API until the case's journey answers."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            response = await self.http.get(f"/workers/{case_id}/journey")
            if response.status_code == 200:
                body: dict[str, object] = response.json()
                return body
            assert response.json()["error"] == "journey_not_started", response.text
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no journey for {case_id} after {timeout} s")
            await asyncio.sleep(0.1)

    async def status(self, case_id: str, *, timeout: float = 30.0) -> JourneyStatus:
        """Poll the journey workflow itself until it answers."""
        reader = JourneyGateway(LazyTemporalClient(self.temporal_address, "default"))
        deadline = asyncio.get_running_loop().time() + timeout
        while (status := await reader.status(case_id)) is None:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no journey for {case_id} after {timeout} s")
            await asyncio.sleep(0.1)
        return status

    async def close(self) -> None:
        self.stop.set()
        await self.worker.shutdown()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for cleanup in reversed(self.cleanups):
            result = cleanup()
            if asyncio.iscoroutine(result):
                await result
        await self.http.aclose()
        await self._lifespan.__aexit__(None, None, None)
        await self.engine.dispose()


async def read_topic(bootstrap: str, topic: str, *, expect: int, timeout: float = 20.0) -> list[object]:
    """Every record of `topic` from the beginning, once `expect` have arrived."""
    from aiokafka import AIOKafkaConsumer

    reader = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None)
    await reader.start()
    records: list[object] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(records) < expect and asyncio.get_running_loop().time() < deadline:
            batch = await reader.getmany(timeout_ms=500)
            for partition_records in batch.values():
                records.extend(partition_records)
    finally:
        await reader.stop()
    return records
