"""The thin slice on a real broker, the real Temporal dev server, and SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from aiokafka import AIOKafkaProducer
from sqlalchemy import Column, MetaData, String, Table, func, insert, select

from contracts.envelope import Envelope
from contracts.events.intake import AssignmentReason, CaseAssigned
from contracts.ids import uuid7
from contracts.journey import EVENTS_SIGNAL, journey_id
from contracts.topics import INTAKE_EVENTS, dead_letter_topic
from services.common.consumer import PermanentError
from services.common.db import session_factory
from services.common.inbox import Inbox, InboxHandler
from services.intake.models import inbox
from tests.factories import registered_envelope, registration
from tests.pipeline import Pipeline, read_topic
from workflows.bridge import JourneyBridge

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


def assigned_envelope(case_id: str) -> Envelope:
    assignment = CaseAssigned(
        case_id=case_id,
        assistant_id=str(uuid7()),
        community_code="ZS-01",
        reason=AssignmentReason.AUTOMATIC,
        assigned_at=datetime(2026, 10, 8, 9, 0, tzinfo=UTC),
    )
    return assignment.envelope(correlation_id=f"test-{case_id}")


async def signals_and_settled(pipeline: Pipeline, case_id: str, *, signals: int) -> list[str]:
    """The names of the journey's signals once it holds `signals` of them and has finished a workflow task
    after the last."""
    handle = pipeline.client.get_workflow_handle(journey_id(case_id))
    async with asyncio.timeout(30):
        while True:
            events = (await handle.fetch_history()).events
            names = [
                event.workflow_execution_signaled_event_attributes.signal_name
                for event in events
                if event.HasField("workflow_execution_signaled_event_attributes")
            ]
            last_signal = max(
                index
                for index, event in enumerate(events)
                if event.HasField("workflow_execution_signaled_event_attributes")
            )
            if len(names) >= signals and any(
                event.HasField("workflow_task_completed_event_attributes") for event in events[last_signal:]
            ):
                return names
            await asyncio.sleep(0.1)


async def test_a_registration_and_its_assignment_reach_the_journey_in_one_signal(pipeline):
    case_id = str(uuid7())
    run = [registered_envelope(case_id), assigned_envelope(case_id)]
    bridge = JourneyBridge(pipeline.client, task_queue=pipeline.task_queue)

    assert await bridge.apply_run(run) == ["applied", "applied"]
    assert await signals_and_settled(pipeline, case_id, signals=1) == [EVENTS_SIGNAL]
    assert (await pipeline.status(case_id)).events_applied == 2

    assert await bridge.apply_run(run) == ["applied", "applied"]
    assert await signals_and_settled(pipeline, case_id, signals=2) == [EVENTS_SIGNAL, EVENTS_SIGNAL]
    assert (await pipeline.status(case_id)).events_applied == 2


async def test_a_broken_event_in_a_run_fails_the_run_so_it_can_be_applied_one_at_a_time(pipeline):
    case_id = str(uuid7())
    broken = registered_envelope(case_id).model_copy(update={"data": {"case_id": case_id}})
    bridge = JourneyBridge(pipeline.client, task_queue=pipeline.task_queue)
    with pytest.raises(PermanentError):
        await bridge.apply_run([broken, assigned_envelope(case_id)])
