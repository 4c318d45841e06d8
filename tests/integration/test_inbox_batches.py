"""A consumer applying a polled batch in one transaction, on SQLite and PostgreSQL and a real broker."""

import asyncio
import uuid
from collections.abc import Sequence

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from contracts.envelope import Envelope
from contracts.ids import uuid7
from contracts.topics import INTAKE_EVENTS, dead_letter_topic
from services.common import kafka
from services.common.consumer import EventConsumer, KafkaDeadLetters, Outcome
from services.common.db import session_factory
from services.common.inbox import Inbox, InboxHandler
from services.intake.models import inbox
from tests.factories import registered_envelope
from tests.pipeline import read_topic

scratch = MetaData()
effects = Table("batch_effects", scratch, Column("event_id", String(36)), Column("case_id", String(36)))
POISON = "poison-case"


@pytest_asyncio.fixture
async def engine(intake_engine: AsyncEngine) -> AsyncEngine:
    async with intake_engine.begin() as connection:
        await connection.run_sync(scratch.create_all)
    return intake_engine


async def record_effect(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.subject == POISON:
        raise RuntimeError("this case's effect always fails")
    await session.execute(insert(effects).values(event_id=envelope.id, case_id=envelope.subject))


class RecordingHandler(InboxHandler):
    """The production handler, remembering the size of each batch it was given."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(
            Inbox(consumer="batches", table=inbox, sessions=session_factory(engine)), lambda _: record_effect
        )
        self.batch_sizes: list[int] = []

    async def apply_batch(self, envelopes: Sequence[Envelope]) -> list[Outcome]:
        self.batch_sizes.append(len(envelopes))
        return await super().apply_batch(envelopes)


async def effect_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(effects.c.case_id, func.count()).group_by(effects.c.case_id))
        return {case_id: count for case_id, count in rows}


async def wait_for_cases(engine: AsyncEngine, cases: int, running: asyncio.Task[None]) -> None:
    """Until `cases` cases have their effect, or the consumer stopped (within two minutes)."""
    for _ in range(1200):
        if running.done() or len(await effect_counts(engine)) >= cases:
            return
        await asyncio.sleep(0.1)


async def inbox_ids(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return list(await connection.scalars(select(inbox.c.event_id).where(inbox.c.consumer == "batches")))


async def test_a_batch_applies_each_new_event_once(engine):
    handler = RecordingHandler(engine)
    first, second, third = (registered_envelope(f"case-{n}") for n in range(3))
    assert await handler(first) == "applied"

    outcomes = await handler.apply_batch([first, second, third, second])

    assert outcomes == ["duplicate", "applied", "applied", "duplicate"]
    assert await effect_counts(engine) == {"case-0": 1, "case-1": 1, "case-2": 1}
    assert sorted(await inbox_ids(engine)) == sorted([first.id, second.id, third.id])


async def test_a_failing_effect_leaves_nothing_of_its_batch_written(engine):
    handler = RecordingHandler(engine)
    batch = [registered_envelope("case-a"), registered_envelope(POISON), registered_envelope("case-b")]

    with pytest.raises(RuntimeError, match="always fails"):
        await handler.apply_batch(batch)

    assert await effect_counts(engine) == {}
    assert await inbox_ids(engine) == []


async def test_a_poison_event_in_a_polled_batch_is_dead_lettered_alone(engine, broker):
    cases = [f"case-{n:03d}" for n in range(60)]
    envelopes = [registered_envelope(case) for case in cases[:30]]
    envelopes += [registered_envelope(POISON)]
    envelopes += [registered_envelope(case) for case in cases[30:]]
    envelopes += envelopes[:5]
    producer = AIOKafkaProducer(bootstrap_servers=broker.bootstrap)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(INTAKE_EVENTS, envelope.to_bytes(), key=envelope.subject.encode())
    finally:
        await producer.stop()

    handler = RecordingHandler(engine)
    group = f"batches-{uuid.uuid4().hex[:8]}"
    source = kafka.group_consumer(
        broker.bootstrap, group_id=group, session_timeout_ms=6000, topics=[INTAKE_EVENTS]
    )
    dead_letter_producer = kafka.producer(broker.bootstrap, client_id=f"{group}-dlq")
    stop = asyncio.Event()
    await dead_letter_producer.start()
    await source.start()
    try:
        consumer = EventConsumer(
            name="batches",
            consumer=source,
            handler=handler,
            dead_letters=KafkaDeadLetters(consumer="batches", producer=dead_letter_producer),
            retry_backoff_seconds=0.01,
            batch_size=16,
        )
        running = asyncio.create_task(consumer.run(stop))
        [dead] = await read_topic(broker.bootstrap, dead_letter_topic("batches"), expect=1, timeout=60)
        await wait_for_cases(engine, len(cases), running)
        stop.set()
        await running
    finally:
        stop.set()
        await source.stop()
        await dead_letter_producer.stop()

    assert dead.key == POISON.encode()
    assert dict(dead.headers)["attempts"] == b"3"
    assert await effect_counts(engine) == dict.fromkeys(cases, 1)
    assert len(await inbox_ids(engine)) == len(cases)
    assert max(handler.batch_sizes) > 1
    assert max(handler.batch_sizes) <= 16


async def test_an_event_id_seen_twice_in_one_batch_applies_once(engine):
    handler = RecordingHandler(engine)
    envelope = registered_envelope(str(uuid7()))

    assert await handler.apply_batch([envelope, envelope]) == ["applied", "duplicate"]
    assert await effect_counts(engine) == {envelope.subject: 1}
