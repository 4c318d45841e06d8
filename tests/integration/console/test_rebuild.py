"""Rebuilding the read model through a real broker: clear it, rewind the group, consume everything again."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.events import Event
from contracts.topics import SUBSCRIPTIONS
from services.common import kafka
from services.common.consumer import EventConsumer, KafkaDeadLetters
from services.common.db import create_engine, session_factory
from services.common.settings import ServiceConsumerSettings
from services.console.consumers import CONSUMER, build_handler
from services.console.domain import AreaKind, Indicator
from services.console.models import CaseView, Target, TimelineEntry
from services.console.rebuild import rebuild
from services.console.records import set_target
from services.console.schemas import TargetIn
from tests.infrastructure import Broker, migrated_database
from tests.integration.console import events
from tests.integration.console.conftest import MIGRATIONS


async def consume_until(
    broker: Broker, sessions: async_sessionmaker[AsyncSession], done: Callable[[], Awaitable[bool]]
) -> None:
    """Run the console's consumer group, as `reemploy consume console` does, until `done()`."""
    source = kafka.group_consumer(
        broker.bootstrap, group_id=CONSUMER, session_timeout_ms=6000, topics=SUBSCRIPTIONS[CONSUMER]
    )
    dead_letters = kafka.producer(broker.bootstrap, client_id="console-dlq")
    await source.start()
    await dead_letters.start()
    stop = asyncio.Event()
    consumer = EventConsumer(
        name=CONSUMER,
        consumer=source,
        handler=build_handler(sessions),
        dead_letters=KafkaDeadLetters(consumer=CONSUMER, producer=dead_letters),
    )
    running = asyncio.create_task(consumer.run(stop))
    try:
        for _ in range(300):
            if await done():
                break
            await asyncio.sleep(0.2)
        else:
            raise AssertionError("the consumer did not apply every event within a minute")
    finally:
        stop.set()
        await running
        await source.stop()
        await dead_letters.stop()


async def test_a_rebuild_consumes_everything_again_and_keeps_the_targets(
    broker: Broker, tmp_path: Path
) -> None:
    async with migrated_database("sqlite", tmp_path, MIGRATIONS) as url:
        engine = create_engine(url)
        sessions = session_factory(engine)
        case_id = events.an_id()
        published: list[Event] = [
            events.registered(case_id),
            events.assigned(case_id, "a0000000-0000-4000-8000-000000000001"),
            events.follow_up_completed(case_id, "k-1"),
        ]
        producer = kafka.producer(broker.bootstrap, client_id="test")
        await producer.start()
        for event in published:
            envelope = event.envelope(correlation_id="rebuild-test")
            await producer.send_and_wait(event.topic, envelope.to_bytes(), key=envelope.subject.encode())
        await producer.stop()
        target = TargetIn(
            year=2026,
            area_kind=AreaKind.COMMUNITY,
            area_code="ZS-01",
            indicator=Indicator.REEMPLOYED,
            target=3,
        )
        await set_target(sessions, target=target, set_by="leader")

        async def all_applied() -> bool:
            async with sessions() as session:
                count = await session.scalar(select(func.count()).select_from(TimelineEntry))
            return count == len(published)

        await consume_until(broker, sessions, all_applied)
        settings = ServiceConsumerSettings(database_url=url, kafka_bootstrap=broker.bootstrap)
        await rebuild(settings)
        async with sessions() as session:
            assert await session.get(CaseView, case_id) is None
            assert await session.scalar(select(func.count()).select_from(Target)) == 1
        await consume_until(broker, sessions, all_applied)
        async with sessions() as session:
            case = await session.get(CaseView, case_id)
        assert case is not None and case.community_code == "ZS-01" and case.assistant_id is not None
        await engine.dispose()
