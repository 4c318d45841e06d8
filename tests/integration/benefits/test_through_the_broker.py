"""Benefits on a real Tansu broker (both engines): intake's consent events reach its consumer group once
each, and its relay publishes the bank's feed on `feed.bank` keyed by application, its events by case."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from sqlalchemy import func, select

from contracts.events.intake import Agency, ConsentGranted, ConsentWithdrawn, LayoffReason, WorkerRegistered
from contracts.ids import uuid7
from contracts.topics import BENEFITS_EVENTS, INTAKE_EVENTS, SUBSCRIPTIONS, feed_topic
from services.benefits.consumers import build_handler
from services.benefits.models import CaseCommunity, Consent, inbox, outbox
from services.common import kafka
from services.common.consumer import EventConsumer, KafkaDeadLetters
from services.common.relay import Relay
from tests.authz import HOME_COMMUNITY
from tests.infrastructure import Broker
from tests.integration.benefits.conftest import Benefits, loan_request, new_case


async def _eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "not within the deadline"
        await asyncio.sleep(0.2)


async def _consume_until(benefits: Benefits, broker: Broker, check: Callable[[], Awaitable[bool]]) -> None:
    producer = kafka.producer(broker.bootstrap, client_id="benefits-dlq")
    source = kafka.group_consumer(
        broker.bootstrap, group_id="benefits", session_timeout_ms=6000, topics=SUBSCRIPTIONS["benefits"]
    )
    await producer.start()
    await source.start()
    consumer = EventConsumer(
        name="benefits",
        consumer=source,
        handler=build_handler(benefits.office.sessions),
        dead_letters=KafkaDeadLetters(consumer="benefits", producer=producer),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(consumer.run(stop))
    try:
        await _eventually(check)
    finally:
        stop.set()
        await running
        await source.stop()
        await producer.stop()


async def test_consents_arrive_through_kafka_and_the_bank_feed_goes_out_on_its_topic(
    broker: Broker, benefits: Benefits
) -> None:
    case_id, withdrawn_case = new_case(), new_case()
    now = benefits.clock.now
    granted = [
        ConsentGranted(
            case_id=case,
            consent_id=str(uuid7()),
            agency=Agency.BANK,
            purpose="guaranteed business loan",
            expires_on=now.date().replace(year=now.year + 1),
            granted_at=now,
        )
        for case in (case_id, withdrawn_case)
    ]
    registered = [
        WorkerRegistered(
            case_id=case,
            community_code=HOME_COMMUNITY,
            layoff_date=now.date(),
            layoff_reason=LayoffReason.BANKRUPTCY,
            registered_at=now,
        )
        for case in (case_id, withdrawn_case)
    ]
    withdrawal = ConsentWithdrawn(
        case_id=withdrawn_case, consent_id=granted[1].consent_id, agency=Agency.BANK, withdrawn_at=now
    )
    upstream = kafka.producer(broker.bootstrap, client_id="intake-relay")
    await upstream.start()
    try:
        for event in (*registered, *granted, granted[0], withdrawal):
            envelope = event.envelope(correlation_id="t")
            await upstream.send_and_wait(INTAKE_EVENTS, envelope.to_bytes(), key=event.case_id.encode())
    finally:
        await upstream.stop()

    async def applied() -> bool:
        async with benefits.office.sessions() as session:
            return await session.scalar(select(func.count()).select_from(inbox)) == 6

    await _consume_until(benefits, broker, applied)
    async with benefits.office.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Consent)) == 2
        assert await session.scalar(select(func.count()).select_from(CaseCommunity)) == 2

    accepted = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )
    refused = await benefits.http.post(
        "/applications", json=loan_request(withdrawn_case), headers=benefits.assistant()
    )
    assert (accepted.status_code, refused.status_code) == (201, 409)
    application_id = accepted.json()["application_id"]

    publisher = kafka.KafkaPublisher(broker.bootstrap, client_id="benefits-relay")
    await publisher.start()
    try:
        relay = Relay(
            service="benefits", outbox=outbox, sessions=benefits.office.sessions, publisher=publisher
        )
        await relay.load_state()
        assert await relay.publish_pending() == 2
    finally:
        await publisher.stop()
    reader = AIOKafkaConsumer(
        BENEFITS_EVENTS, feed_topic("bank"), bootstrap_servers=broker.bootstrap, auto_offset_reset="earliest"
    )
    await reader.start()
    try:
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + 15
        while len(records) < 2 and time.monotonic() < deadline:
            batches = await reader.getmany(timeout_ms=1000)
            records += [record for batch in batches.values() for record in batch]
    finally:
        await reader.stop()
    by_type = {json.loads(record.value)["type"]: record for record in records}
    assert set(by_type) == {"benefits.application_submitted.v1", "benefits.bank_application.v1"}
    assert by_type["benefits.bank_application.v1"].topic == "feed.bank"
    assert by_type["benefits.bank_application.v1"].key == application_id.encode()
    assert by_type["benefits.application_submitted.v1"].key == case_id.encode()
