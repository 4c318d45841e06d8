"""Composition roots of the services' long-running components (API, relay, service consumers), and the host
that runs one or several components in one process. The workflow components are in `deploy.journey_processes`,
so that a service's process does not load the Temporal worker."""

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

import uvicorn

from contracts.topics import EVENT_TOPICS, SUBSCRIPTIONS, dead_letter_topic
from deploy.registry import service_definition
from services.common import kafka
from services.common.consumer import EventConsumer, EventHandler, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.ops import QuietServer, ReadinessCheck, serve_ops
from services.common.relay import Relay, RelayTuning
from services.common.settings import (
    ConsumerSettings,
    RelaySettings,
    ServiceConsumerSettings,
    ServiceSettings,
)

log = logging.getLogger(__name__)

KEEP_ALIVE_SECONDS = 75
"""Longer than clients' and load balancers' idle timeouts, so a reused connection is not closed under them."""


def stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    return stop


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


async def run_until(stop: asyncio.Event, main: Awaitable[None]) -> None:
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
            await run_until(stop, outbox_relay.run(stop))
        finally:
            await publisher.stop()
            await engine.dispose()

    return run


def service_consumer(service: str, settings: ServiceConsumerSettings) -> Component:
    """A service's own consumer group: applies other services' events to its database, once each."""

    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        consumers = service_definition(service).consumers
        if consumers is None:
            raise RuntimeError(f"the {service} service consumes no events")
        engine = create_engine(settings.database_url)
        try:
            handler: EventHandler = consumers.build_handler(session_factory(engine))
            await consume(service, handler, settings, stop, checks, readiness=f"{service}-consumer")
        finally:
            await engine.dispose()

    return run


async def consume(
    name: str,
    handler: EventHandler,
    settings: ConsumerSettings,
    stop: asyncio.Event,
    checks: dict[str, ReadinessCheck],
    *,
    readiness: str,
) -> None:
    """The consumer group `name` on the topics it subscribes to, dead letters to `<name>.dlq`; its readiness
    check is named `readiness`."""
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
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
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

        checks[readiness] = ready
        await run_until(stop, consumer.run(stop))
    finally:
        await source.stop()
        await dead_letter_producer.stop()
