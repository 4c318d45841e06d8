"""Composition roots of the long-running components (API, relay, bridge, service consumers, Temporal worker),
and the host that runs one or several of them in one process."""

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import timedelta
from typing import Any

import httpx
import uvicorn
from temporalio.client import Client

from contracts.journey import TASK_QUEUE
from contracts.topics import EVENT_TOPICS, SUBSCRIPTIONS, dead_letter_topic
from deploy.registry import service_definition
from services.common import kafka
from services.common.client_credentials import ClientCredentials
from services.common.consumer import EventConsumer, EventHandler, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.ops import QuietServer, ReadinessCheck, serve_ops
from services.common.relay import Relay, RelayTuning
from services.common.settings import (
    ConsumerSettings,
    KitSettings,
    RelaySettings,
    ServiceConsumerSettings,
    ServiceSettings,
    WorkerSettings,
)
from services.common.temporal import connect, ensure_search_attributes
from workflows.activities import JourneyActivities
from workflows.bridge import CONSUMER_NAME, EventRouter, JourneyBridge
from workflows.complaint_bridge import ComplaintBridge, ComplaintCalendarSettings
from workflows.reconciler_activities import ReconcilerActivities, ReconcileRequest, ensure_schedule
from workflows.restructuring_activities import RestructuringActivities
from workflows.worker import build_worker

log = logging.getLogger(__name__)

KEEP_ALIVE_SECONDS = 75
"""Longer than clients' and load balancers' idle timeouts, so a reused connection is not closed under them."""


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def connect_temporal(settings: KitSettings, stop: asyncio.Event) -> Client | None:
    """Connect to Temporal, retrying until it answers or the process is asked to stop."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await connect(settings.temporal_address, settings.temporal_namespace)
        except RuntimeError:
            log.warning("Temporal not reachable yet", extra={"address": settings.temporal_address})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
    return None


Component = Callable[[asyncio.Event, dict[str, ReadinessCheck]], Coroutine[Any, Any, None]]
"""One long-running part of the platform: it runs until `stop` is set, adds its readiness checks to the
process's, and cleans up after itself. A component that returns or raises before `stop` ends its process."""


async def host(
    components: Mapping[str, Component], ops: tuple[str, int] | None, stop: asyncio.Event | None = None
) -> None:
    """Run components as tasks of this process, with one ops server (readiness of them all, metrics).

    The first component to fail, or to end unasked, stops the others and ends the process with an error, so
    the supervisor restarts them together: one process, one fate. `stop` defaults to SIGTERM and SIGINT.
    """
    stop = stop or stop_on_signals()
    checks: dict[str, ReadinessCheck] = {name: _not_yet for name in components}
    running = {
        asyncio.create_task(component(stop, checks), name=name): name
        for name, component in components.items()
    }
    ops_task = asyncio.create_task(serve_ops(*ops, checks, stop)) if ops is not None else None
    stopped = asyncio.create_task(stop.wait())
    failed: str | None = None
    try:
        done, _ = await asyncio.wait({*running, stopped}, return_when=asyncio.FIRST_COMPLETED)
        for task, name in running.items():
            if task not in done or stop.is_set():
                continue
            failed = name
            if not task.cancelled() and task.exception() is not None:
                log.error("component failed", exc_info=task.exception(), extra={"component": failed})
            else:
                log.error("component ended unasked", extra={"component": failed})
    finally:
        stop.set()
        await asyncio.gather(*running, return_exceptions=True)
        if ops_task is not None:
            await ops_task
        stopped.cancel()
    if failed is not None:
        raise SystemExit(f"component {failed} stopped; the process ends so that it is restarted")


async def _not_yet() -> bool:
    return False


async def _run_until(stop: asyncio.Event, main: Awaitable[None]) -> None:
    """Run `main` until it ends or `stop` is set; its failure propagates."""
    main_task = asyncio.ensure_future(main)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({main_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if main_task.done():
            main_task.result()
            if not stop.is_set():
                raise RuntimeError("ended before it was asked to stop")
    finally:
        main_task.cancel()
        stopped.cancel()
        await asyncio.gather(main_task, stopped, return_exceptions=True)


def api(service: str, settings: ServiceSettings) -> Component:
    """A service's HTTP API (uvicorn on uvloop and httptools); its readiness is its own `/readyz`."""

    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        app = service_definition(service).create_app(settings)
        server = QuietServer(
            uvicorn.Config(
                app,
                host=settings.http_host,
                port=settings.http_port,
                log_config=None,
                access_log=False,
                http="httptools",
                timeout_keep_alive=KEEP_ALIVE_SECONDS,
            )
        )
        checks.pop(service, None)
        serving = asyncio.create_task(server.serve())
        await asyncio.wait({serving, asyncio.ensure_future(stop.wait())}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        await serving
        if not stop.is_set():
            raise RuntimeError(f"the {service} API stopped serving")

    return run


def relay(service: str, settings: RelaySettings) -> Component:
    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        definition = service_definition(service)
        engine = create_engine(settings.database_url)
        publisher = kafka.KafkaPublisher(settings.kafka_bootstrap, client_id=f"{service}-relay")
        try:
            await kafka.ensure_topics(
                settings.kafka_bootstrap, EVENT_TOPICS, replication_factor=settings.kafka_replication_factor
            )
            await publisher.start()
            outbox_relay = Relay(
                service=service,
                outbox=definition.outbox,
                sessions=session_factory(engine),
                publisher=publisher,
                tuning=RelayTuning(
                    batch_size=settings.relay_batch_size,
                    idle_poll_seconds=settings.relay_idle_poll_seconds,
                    max_idle_poll_seconds=settings.relay_max_idle_poll_seconds,
                    max_backoff_seconds=settings.relay_max_backoff_seconds,
                    watch_seconds=settings.relay_watch_seconds,
                ),
                broker_id=publisher.broker_id,
            )

            async def ready() -> bool:
                return outbox_relay.ready

            checks[f"{service}-relay"] = ready
            await _run_until(stop, outbox_relay.run(stop))
        finally:
            await publisher.stop()
            await engine.dispose()

    return run


def bridge(settings: ConsumerSettings) -> Component:
    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        client = await connect_temporal(settings, stop)
        if client is None:
            return
        calendar = ComplaintCalendarSettings()
        router = EventRouter(
            JourneyBridge(
                client,
                time_scale=settings.journey_time_scale,
                task_timeout=timedelta(seconds=settings.workflow_task_timeout_seconds),
            ),
            ComplaintBridge(
                client,
                task_queue=TASK_QUEUE,
                calendar=calendar.calendar(),
                time_scale=calendar.complaint_time_scale,
            ),
        )
        checks["temporal"] = _health(client)
        await _consume(CONSUMER_NAME, router, settings, stop, checks)

    return run


def service_consumer(service: str, settings: ServiceConsumerSettings) -> Component:
    """A service's own consumer group: applies other services' events to its database, once each."""

    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        definition = service_definition(service)
        if definition.consumers is None:
            raise RuntimeError(f"the {service} service consumes no events")
        engine = create_engine(settings.database_url)
        try:
            handler: EventHandler = definition.consumers.build_handler(session_factory(engine))
            await _consume(service, handler, settings, stop, checks)
        finally:
            await engine.dispose()

    return run


async def _consume(
    name: str,
    handler: EventHandler,
    settings: ConsumerSettings,
    stop: asyncio.Event,
    checks: dict[str, ReadinessCheck],
) -> None:
    """The consumer group `name` on the topics it subscribes to, dead letters to `<name>.dlq`."""
    topics = SUBSCRIPTIONS[name]
    await kafka.ensure_topics(
        settings.kafka_bootstrap,
        [*topics, dead_letter_topic(name)],
        replication_factor=settings.kafka_replication_factor,
    )
    dead_letter_producer = kafka.producer(settings.kafka_bootstrap, client_id=f"{name}-dlq")
    source = kafka.group_consumer(
        settings.kafka_bootstrap,
        group_id=name,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        topics=topics,
        assign_all_partitions=settings.kafka_assign_all_partitions,
    )
    try:
        await dead_letter_producer.start()
        await source.start()
        consumer = EventConsumer(
            name=name,
            consumer=source,
            handler=handler,
            dead_letters=KafkaDeadLetters(consumer=name, producer=dead_letter_producer),
            max_attempts=settings.consumer_max_attempts,
            retry_backoff_seconds=settings.consumer_retry_backoff_seconds,
            batch_size=settings.consumer_batch_size,
        )

        async def ready() -> bool:
            return consumer.ready

        checks[f"{name}-consumer" if name != CONSUMER_NAME else name] = ready
        await _run_until(stop, consumer.run(stop))
    finally:
        await source.stop()
        await dead_letter_producer.stop()


def worker(settings: WorkerSettings) -> Component:
    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        client = await connect_temporal(settings, stop)
        if client is None:
            return
        await ensure_search_attributes(client, settings.temporal_namespace)
        timeout = httpx.Timeout(settings.activity_http_timeout_seconds)
        auth = ClientCredentials(
            settings.token_url, settings.client_id, settings.client_secret.get_secret_value()
        )
        intake = httpx.AsyncClient(base_url=settings.intake_url, timeout=timeout, auth=auth)
        placement = httpx.AsyncClient(base_url=settings.placement_url, timeout=timeout, auth=auth)
        complaints = httpx.AsyncClient(base_url=settings.complaints_url, timeout=timeout, auth=auth)
        benefits = httpx.AsyncClient(base_url=settings.benefits_url, timeout=timeout, auth=auth)
        try:
            temporal_worker = build_worker(
                client,
                JourneyActivities(intake=intake, placement=placement, benefits=benefits),
                ReconcilerActivities(client=client, intake=intake),
                RestructuringActivities(intake=intake),
                complaints,
                sticky_queue_timeout=timedelta(seconds=settings.sticky_queue_timeout_seconds),
            )
            await ensure_schedule(
                client,
                ReconcileRequest(time_scale=settings.journey_time_scale),
                timedelta(minutes=settings.reconcile_every_minutes),
            )

            async def ready() -> bool:
                return temporal_worker.is_running

            checks["worker"] = ready
            checks["temporal"] = _health(client)
            await _run_until(stop, temporal_worker.run())
        finally:
            for http in (intake, placement, complaints, benefits):
                await http.aclose()

    return run


def _health(client: Client) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await client.service_client.check_health()

    return check
