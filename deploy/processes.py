"""Composition roots of the long-running processes: relay, bridge, service consumers and Temporal worker."""

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
from temporalio.client import Client

from contracts.journey import TASK_QUEUE
from contracts.topics import EVENT_TOPICS, SUBSCRIPTIONS, dead_letter_topic
from deploy.registry import service_definition
from services.common import kafka
from services.common.client_credentials import ClientCredentials
from services.common.consumer import EventConsumer, EventHandler, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.ops import serve_ops
from services.common.relay import Relay, RelayTuning
from services.common.settings import (
    ConsumerSettings,
    KitSettings,
    RelaySettings,
    ServiceConsumerSettings,
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
            delay = min(delay * 2, 5.0)
    return None


async def _until_stopped(
    stop: asyncio.Event, main: Awaitable[None], ops: Awaitable[None], cleanup: Callable[[], Awaitable[None]]
) -> None:
    """Run `main` and the ops server; a failure of `main` ends the process (the supervisor restarts it)."""
    main_task = asyncio.ensure_future(main)
    ops_task = asyncio.ensure_future(ops)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({main_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if main_task.done():
            main_task.result()
    finally:
        stop.set()
        main_task.cancel()
        await asyncio.gather(main_task, return_exceptions=True)
        await ops_task
        await cleanup()


async def run_relay(service: str, settings: RelaySettings) -> None:
    definition = service_definition(service)
    stop = stop_on_signals()
    engine = create_engine(settings.database_url)
    await kafka.ensure_topics(
        settings.kafka_bootstrap, EVENT_TOPICS, replication_factor=settings.kafka_replication_factor
    )
    publisher = kafka.KafkaPublisher(settings.kafka_bootstrap, client_id=f"{service}-relay")
    await publisher.start()
    relay = Relay(
        service=service,
        outbox=definition.outbox,
        sessions=session_factory(engine),
        publisher=publisher,
        tuning=RelayTuning(
            batch_size=settings.relay_batch_size,
            idle_poll_seconds=settings.relay_idle_poll_seconds,
            max_backoff_seconds=settings.relay_max_backoff_seconds,
            watch_seconds=settings.relay_watch_seconds,
        ),
    )

    async def ready() -> bool:
        return relay.ready

    async def cleanup() -> None:
        await publisher.stop()
        await engine.dispose()

    await _until_stopped(
        stop,
        relay.run(stop),
        serve_ops(settings.ops_host, settings.ops_port, {"relay": ready}, stop),
        cleanup,
    )


async def run_bridge(settings: ConsumerSettings) -> None:
    stop = stop_on_signals()
    client = await connect_temporal(settings, stop)
    if client is None:
        return
    calendar = ComplaintCalendarSettings()
    await _run_consumer(
        CONSUMER_NAME,
        EventRouter(
            JourneyBridge(client, time_scale=settings.journey_time_scale),
            ComplaintBridge(
                client,
                task_queue=TASK_QUEUE,
                calendar=calendar.calendar(),
                time_scale=calendar.complaint_time_scale,
            ),
        ),
        settings,
        stop,
        readiness={"temporal": _health(client)},
        cleanup=_nothing,
    )


async def run_service_consumer(service: str, settings: ServiceConsumerSettings) -> None:
    """A service's own consumer group: applies other services' events to its database, once each."""
    definition = service_definition(service)
    if definition.consumers is None:
        raise SystemExit(f"the {service} service consumes no events")
    stop = stop_on_signals()
    engine = create_engine(settings.database_url)
    handler: EventHandler = definition.consumers.build_handler(session_factory(engine))
    await _run_consumer(service, handler, settings, stop, readiness={}, cleanup=engine.dispose)


async def _run_consumer(
    name: str,
    handler: EventHandler,
    settings: ConsumerSettings,
    stop: asyncio.Event,
    *,
    readiness: dict[str, Callable[[], Awaitable[bool]]],
    cleanup: Callable[[], Awaitable[None]],
) -> None:
    """The consumer group `name` on the topics it subscribes to, dead letters to `<name>.dlq`."""
    topics = SUBSCRIPTIONS[name]
    await kafka.ensure_topics(
        settings.kafka_bootstrap,
        [*topics, dead_letter_topic(name)],
        replication_factor=settings.kafka_replication_factor,
    )
    dead_letter_producer = kafka.producer(settings.kafka_bootstrap, client_id=f"{name}-dlq")
    await dead_letter_producer.start()
    source = kafka.group_consumer(
        settings.kafka_bootstrap,
        group_id=name,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        topics=topics,
    )
    await source.start()
    consumer = EventConsumer(
        name=name,
        consumer=source,
        handler=handler,
        dead_letters=KafkaDeadLetters(consumer=name, producer=dead_letter_producer),
        max_attempts=settings.consumer_max_attempts,
        retry_backoff_seconds=settings.consumer_retry_backoff_seconds,
    )

    async def ready() -> bool:
        return consumer.ready

    async def stop_clients() -> None:
        await source.stop()
        await dead_letter_producer.stop()
        await cleanup()

    await _until_stopped(
        stop,
        consumer.run(stop),
        serve_ops(settings.ops_host, settings.ops_port, {"consumer": ready, **readiness}, stop),
        stop_clients,
    )


async def _nothing() -> None:
    return None


async def run_worker(settings: WorkerSettings) -> None:
    stop = stop_on_signals()
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
    worker = build_worker(
        client,
        JourneyActivities(intake=intake, placement=placement, benefits=benefits),
        ReconcilerActivities(client=client, intake=intake),
        RestructuringActivities(intake=intake),
        complaints,
    )
    await ensure_schedule(
        client,
        ReconcileRequest(time_scale=settings.journey_time_scale),
        timedelta(minutes=settings.reconcile_every_minutes),
    )

    async def ready() -> bool:
        return worker.is_running

    async def close_clients() -> None:
        for http in (intake, placement, complaints, benefits):
            await http.aclose()

    await _until_stopped(
        stop,
        worker.run(),
        serve_ops(settings.ops_host, settings.ops_port, {"worker": ready, "temporal": _health(client)}, stop),
        close_clients,
    )


def _health(client: Client) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await client.service_client.check_health()

    return check
