"""Training on a real Tansu broker (both engines): its consumer group reads intake's and placement's events
once each, and its relay publishes its events keyed by case for the journey's bridge."""

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime

from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, select

from contracts.events.intake import Agency, ConsentGranted
from contracts.topics import INTAKE_EVENTS, PLACEMENT_EVENTS, SUBSCRIPTIONS, TRAINING_EVENTS
from services.common import kafka
from services.common.consumer import EventConsumer, KafkaDeadLetters
from services.common.db import session_factory
from services.common.relay import Relay
from services.training.consumers import build_handler
from services.training.models import DemandedVacancy, KnownConsent, inbox, outbox
from tests.factories import worker_registered
from tests.integration.training.support import accredited_provider, course, enrol, publish, vacancy_posted


async def _eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "not within the deadline"
        await asyncio.sleep(0.2)


async def test_intake_and_placement_events_reach_training_once_and_its_events_go_out(
    broker, training_api, training_engine
):
    case_id = str(uuid.uuid4())
    consent = ConsentGranted(
        case_id=case_id,
        consent_id=str(uuid.uuid4()),
        agency=Agency.LABOUR_BUREAU,
        purpose="training",
        expires_on=date(2027, 12, 31),
        granted_at=datetime(2026, 10, 9, tzinfo=UTC),
    ).envelope(correlation_id="t")
    registered = worker_registered(case_id).envelope(correlation_id="t")
    vacancy = vacancy_posted("cooking", 4, skills=["knife work"], certificates=[])
    producer = kafka.producer(broker.bootstrap, client_id="upstream")
    await producer.start()
    try:
        for envelope in (registered, consent, consent):
            await producer.send_and_wait(INTAKE_EVENTS, envelope.to_bytes(), key=case_id.encode())
        await producer.send_and_wait(PLACEMENT_EVENTS, vacancy.to_bytes(), key=vacancy.subject.encode())

        source = kafka.group_consumer(
            broker.bootstrap, group_id="training", session_timeout_ms=6000, topics=SUBSCRIPTIONS["training"]
        )
        await source.start()
        consumer = EventConsumer(
            name="training",
            consumer=source,
            handler=build_handler(session_factory(training_engine)),
            dead_letters=KafkaDeadLetters(consumer="training", producer=producer),
        )
        stop = asyncio.Event()
        running = asyncio.create_task(consumer.run(stop))

        async def applied() -> bool:
            async with training_engine.connect() as connection:
                consents = await connection.scalar(select(func.count()).select_from(KnownConsent))
                vacancies = await connection.scalar(select(func.count()).select_from(DemandedVacancy))
            return consents == 1 and vacancies == 1

        try:
            await _eventually(applied)
        finally:
            stop.set()
            await running
            await source.stop()
    finally:
        await producer.stop()
    async with training_engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(inbox)) == 3

    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api)))["class_id"]
    assert (await enrol(training_api, class_id, case_id)).status_code == 201

    publisher = kafka.KafkaPublisher(broker.bootstrap, client_id="training-relay")
    await publisher.start()
    try:
        relay = Relay(
            service="training", outbox=outbox, sessions=session_factory(training_engine), publisher=publisher
        )
        await relay.load_state()
        assert await relay.publish_pending() == 2
    finally:
        await publisher.stop()
    reader = AIOKafkaConsumer(
        TRAINING_EVENTS, bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    try:
        records = [record for batch in (await reader.getmany(timeout_ms=5000)).values() for record in batch]
    finally:
        await reader.stop()
    by_type = {json.loads(record.value)["type"]: record for record in records}
    assert set(by_type) == {"training.class_scheduled.v1", "training.enrolled.v1"}
    assert by_type["training.enrolled.v1"].key == case_id.encode()
    assert by_type["training.class_scheduled.v1"].key == class_id.encode()
