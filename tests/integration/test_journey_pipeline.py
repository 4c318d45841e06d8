"""The thin slice on a real broker, the real Temporal dev server, and SQLite and PostgreSQL."""

import asyncio

import pytest_asyncio
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from contracts.ids import uuid7
from contracts.topics import INTAKE_EVENTS, dead_letter_topic
from services.common.db import session_factory
from services.common.inbox import Inbox, InboxHandler
from services.intake.models import inbox
from tests.factories import registered_envelope, registration
from tests.pipeline import Pipeline, read_topic

scratch = MetaData()
effects = Table("test_effects", scratch, Column("event_id", String(36)), Column("case_id", String(36)))


@pytest_asyncio.fixture
async def pipeline(pipeline: Pipeline) -> Pipeline:
    """The shared pipeline, with the scratch table the test consumers write their effects to."""
    async with pipeline.engine.begin() as connection:
        await connection.run_sync(scratch.create_all)
    return pipeline


async def start_effect_consumer(pipeline: Pipeline) -> None:
    """A database consumer whose effect is one row per applied event, deduped by the inbox."""
    dedupe = Inbox(consumer="effects", table=inbox, sessions=session_factory(pipeline.engine))

    async def record_effect(session, envelope):
        await session.execute(insert(effects).values(event_id=envelope.id, case_id=envelope.subject))

    await pipeline.start_consumer("effects", InboxHandler(dedupe, lambda _: record_effect))


async def effect_counts(pipeline: Pipeline) -> dict[str, int]:
    async with pipeline.engine.connect() as connection:
        rows = await connection.execute(select(effects.c.event_id, func.count()).group_by(effects.c.event_id))
        return {event_id: count for event_id, count in rows}


async def wait_for_effects(pipeline: Pipeline, events: int) -> dict[str, int]:
    for _ in range(200):
        counts = await effect_counts(pipeline)
        if len(counts) >= events:
            return counts
        await asyncio.sleep(0.1)
    return await effect_counts(pipeline)


async def produce(bootstrap: str, *messages: tuple[bytes, bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for key, value in messages:
            await producer.send_and_wait(INTAKE_EVENTS, value, key=key)
    finally:
        await producer.stop()


async def test_registered_worker_has_a_journey_in_assessment(pipeline):
    case_id = await pipeline.register(registration())
    journey = await pipeline.journey(case_id)
    assert journey["case_id"] == case_id
    assert journey["stage"] == "assessment"


async def test_the_same_event_delivered_twice_has_one_effect(pipeline, broker):
    await start_effect_consumer(pipeline)
    envelope = registered_envelope(str(uuid7()))
    await produce(broker.bootstrap, *[(envelope.subject.encode(), envelope.to_bytes())] * 3)
    status = await pipeline.status(envelope.subject)
    counts = await wait_for_effects(pipeline, 1)
    await asyncio.sleep(1.0)
    assert status.events_applied == 1
    assert (await pipeline.status(envelope.subject)).events_applied == 1
    assert counts == await effect_counts(pipeline) == {envelope.id: 1}


async def test_a_poison_message_goes_to_the_dead_letter_topic_and_the_consumer_keeps_going(pipeline, broker):
    await produce(broker.bootstrap, (b"case-x", b"\x00 not a cloudevent"))
    case_id = await pipeline.register(registration())
    assert (await pipeline.journey(case_id))["stage"] == "assessment"
    [dead] = await read_topic(broker.bootstrap, dead_letter_topic("bridge"), expect=1)
    headers = dict(dead.headers)
    assert dead.value == b"\x00 not a cloudevent"
    assert headers["error_type"] == b"ValidationError"
    assert headers["original_topic"] == INTAKE_EVENTS.encode()


async def test_a_relay_killed_between_publish_and_mark_loses_nothing(pipeline):
    await start_effect_consumer(pipeline)
    pipeline.stop.set()
    await asyncio.gather(*pipeline.tasks[1:], return_exceptions=True)
    pipeline.stop.clear()
    pipeline.tasks = pipeline.tasks[:1]
    case_ids = [await pipeline.register(registration()) for _ in range(5)]

    dying = await pipeline.start_relay()
    pipeline.tasks.pop().cancel()
    await dying.load_state()
    await dying.publish_rows(await dying.next_batch())

    await pipeline.start_relay()
    await pipeline.start_consumer("bridge", pipeline.consumer.handler)
    await start_effect_consumer(pipeline)
    for case_id in case_ids:
        assert (await pipeline.journey(case_id))["stage"] == "assessment"
    counts = await wait_for_effects(pipeline, 5)
    assert sorted(counts.values()) == [1] * 5
