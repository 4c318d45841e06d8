"""The programme in one process on real parts, for the journey's story test.

Intake, training, placement, complaints and benefits run as their FastAPI apps over ASGI, each on an SQLite
database of its own with its relay to a real Tansu broker. The services' consumer groups keep their views, the
bridge turns events into signals on `journey-{case_id}`, and a Temporal worker on the real dev server runs
the journeys, whose activities call intake and placement over HTTP. Every interval of the journey is
compressed by `time_scale`. The services verify tokens signed by `issuer`, a test issuer: the worker and the
story's staff steps call with its `service` tokens, providers and employers with their own.
"""

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, TypeVar

import httpx
from temporalio.worker import Worker

from contracts.topics import SUBSCRIPTIONS
from deploy.dev.components import temporal_cli
from deploy.registry import ServiceDefinition, service_definition
from services.common import kafka
from services.common.consumer import EventConsumer, EventHandler, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.relay import Relay, RelayTuning
from services.common.settings import ServiceSettings
from services.common.temporal import connect
from tests.infrastructure import migrated_database
from tests.tokens import TestIssuer
from workflows.activities import JourneyActivities
from workflows.bridge import CONSUMER_NAME, JourneyBridge
from workflows.reconciler_activities import ReconcilerActivities
from workflows.restructuring_activities import RestructuringActivities
from workflows.worker import build_worker

SERVICES = ("intake", "training", "placement", "complaints", "benefits")

Found = TypeVar("Found")


class ProgrammeInProcess:
    """The services with their relays and consumers, the bridge and a journey worker."""

    def __init__(self, *, directory: Path, bootstrap: str, temporal_address: str, time_scale: float) -> None:
        self.directory = directory
        self.bootstrap = bootstrap
        self.temporal_address = temporal_address
        self.time_scale = time_scale
        self.task_queue = f"journeys-{uuid.uuid4().hex[:8]}"
        self.stop = asyncio.Event()
        self.apis: dict[str, httpx.AsyncClient] = {}
        self.issuer = TestIssuer()
        """The issuer every service trusts here: outside clients (a provider) call with its tokens."""
        self._resources = AsyncExitStack()
        self._tasks: list[asyncio.Task[None]] = []
        self._worker: Worker | None = None

    @property
    def intake(self) -> httpx.AsyncClient:
        return self.apis["intake"]

    @property
    def training(self) -> httpx.AsyncClient:
        return self.apis["training"]

    @property
    def placement(self) -> httpx.AsyncClient:
        return self.apis["placement"]

    async def start(self) -> None:
        client = await connect(self.temporal_address, "default")
        for name in SERVICES:
            await self._start_service(service_definition(name))
        self._worker = build_worker(
            client,
            JourneyActivities(intake=self.intake, placement=self.placement, benefits=self.apis["benefits"]),
            ReconcilerActivities(client=client, intake=self.intake),
            RestructuringActivities(intake=self.intake),
            self.apis["complaints"],
            task_queue=self.task_queue,
        )
        self._tasks.append(asyncio.create_task(self._worker.run()))
        bridge = JourneyBridge(client, task_queue=self.task_queue, time_scale=self.time_scale)
        await self._start_consumer(CONSUMER_NAME, bridge)

    async def _start_service(self, definition: ServiceDefinition) -> None:
        """The service's app on a freshly migrated database, its relay, and its consumer group if any."""
        url = await self._resources.enter_async_context(
            migrated_database("sqlite", self.directory, definition.migrations_dir)
        )
        app = definition.create_app(ServiceSettings(database_url=url, temporal_address=self.temporal_address))
        await self._resources.enter_async_context(app.router.lifespan_context(app))
        app.state.token_verifier = self.issuer.verifier()
        self.apis[definition.name] = await self._resources.enter_async_context(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url=f"http://{definition.name}",
                auth=self.issuer.service_auth(),
            )
        )
        engine = create_engine(url)
        self._resources.push_async_callback(engine.dispose)
        publisher = kafka.KafkaPublisher(self.bootstrap, client_id=f"{definition.name}-relay")
        await publisher.start()
        self._resources.push_async_callback(publisher.stop)
        relay = Relay(
            service=definition.name,
            outbox=definition.outbox,
            sessions=session_factory(engine),
            publisher=publisher,
            tuning=RelayTuning(watch_seconds=0.5, max_backoff_seconds=0.5),
        )
        self._tasks.append(asyncio.create_task(relay.run(self.stop)))
        if definition.has_consumers:
            await self._start_consumer(
                definition.name, definition.consumers.build_handler(session_factory(engine))
            )

    async def _start_consumer(self, group: str, handler: EventHandler) -> None:
        """The consumer group on the topics it subscribes to, named as in production."""
        dead_letter_producer = kafka.producer(self.bootstrap, client_id=f"{group}-dlq")
        await dead_letter_producer.start()
        self._resources.push_async_callback(dead_letter_producer.stop)
        source = kafka.group_consumer(
            self.bootstrap, group_id=group, session_timeout_ms=6000, topics=SUBSCRIPTIONS[group]
        )
        await source.start()
        self._resources.push_async_callback(source.stop)
        consumer = EventConsumer(
            name=group,
            consumer=source,
            handler=handler,
            dead_letters=KafkaDeadLetters(consumer=group, producer=dead_letter_producer),
            retry_backoff_seconds=0.05,
        )
        self._tasks.append(asyncio.create_task(consumer.run(self.stop)))

    async def close(self) -> None:
        """Stop the loops first (they use the clients), then release everything in reverse order."""
        self.stop.set()
        async with self._resources:
            if self._worker is not None:
                await self._worker.shutdown()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


async def eventually(
    look: Callable[[], Awaitable[Found | None]], *, within: float, what: str, every: float = 0.05
) -> Found:
    """Poll `look` until it finds something (not None), or fail after `within` seconds saying `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (found := await look()) is None:
        if loop.time() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(every)
    return found


def answer(response: httpx.Response, status: int = 200) -> Any:
    """The JSON body of a response that must have `status`; the body itself in the failure otherwise."""
    assert response.status_code == status, f"{response.request.url}: {response.status_code} {response.text}"
    return response.json()


async def temporal(address: str, *arguments: str, timeout: float = 30.0) -> Any:
    """Run the real `temporal` CLI against `address` and read its JSON output."""
    process = await asyncio.create_subprocess_exec(
        temporal_cli(),
        *arguments,
        "--address",
        address,
        "--output",
        "json",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, f"temporal {' '.join(arguments)}: {stderr.decode()}"
    return json.loads(stdout) if stdout.strip() else None
