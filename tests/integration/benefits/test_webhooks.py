"""Webhook delivery to a receiver on a real port: signed, retried with backoff, dead-lettered, replayed."""

import asyncio
import hashlib
import hmac
import json
import time
from datetime import timedelta

import httpx
from sqlalchemy import text

from contracts.events.intake import Agency
from services.benefits.app import create_app
from services.common.settings import ServiceSettings
from tests.http_checks import body
from tests.integration.benefits.conftest import TEST_DELIVERY, Benefits, Receiver, loan_request, new_case

SECRET = "s" * 40


async def _register(benefits: Benefits, receiver: Receiver) -> None:
    response = await benefits.http.put(
        "/agencies/bank/webhook",
        json={"url": receiver.url, "secret": SECRET},
        headers=benefits.issuer.agency(Agency.BANK),
    )
    assert response.status_code == 200, response.text


async def _loan(benefits: Benefits) -> tuple[str, str, str]:
    case_id = new_case()
    consent_id = await benefits.consent(case_id, Agency.BANK)
    response = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )
    return case_id, consent_id, body(response, 201)["application_id"]


async def test_the_bank_receives_a_signed_cloudevent_with_only_its_fields(
    benefits: Benefits, receiver: Receiver
) -> None:
    await _register(benefits, receiver)
    _, _, application_id = await _loan(benefits)

    async with httpx.AsyncClient() as http:
        assert await benefits.dispatcher(http).deliver_due() == 1
        assert await benefits.dispatcher(http).deliver_due() == 0

    [(headers, payload)] = receiver.received
    timestamp = headers["x-reemploy-timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    assert headers["x-reemploy-signature"] == f"sha256={expected}"
    envelope = json.loads(payload)
    assert envelope["type"] == "benefits.bank_application.v1"
    assert envelope["subject"] == application_id
    assert envelope["data"]["full_name"] == "张伟"
    deliveries = body(await benefits.http.get("/feed-deliveries", headers=benefits.issuer.operator()))
    assert [(d["status"], d["attempts"]) for d in deliveries] == [("delivered", 1)]


async def test_failures_back_off_then_dead_letter_and_an_operator_replays(
    benefits: Benefits, receiver: Receiver
) -> None:
    await _register(benefits, receiver)
    case_id, _, application_id = await _loan(benefits)
    receiver.status = 503
    operator = benefits.issuer.operator()

    async with httpx.AsyncClient() as http:
        dispatcher = benefits.dispatcher(http)
        assert await dispatcher.deliver_due() == 1
        assert await dispatcher.deliver_due() == 0
        benefits.clock.advance(timedelta(seconds=29))
        assert await dispatcher.deliver_due() == 0
        benefits.clock.advance(timedelta(seconds=1))
        assert await dispatcher.deliver_due() == 1
        benefits.clock.advance(timedelta(seconds=59))
        assert await dispatcher.deliver_due() == 0
        benefits.clock.advance(timedelta(seconds=1))
        assert await dispatcher.deliver_due() == 1

        [dead] = body(await benefits.http.get("/feed-deliveries?status=dead_lettered", headers=operator))
        assert dead["attempts"] == 3 and dead["last_error"].startswith("HTTP 503")
        [(_, event)] = await benefits.events("benefits.feed_delivery_dead_lettered.v1")
        assert event["case_id"] == case_id and event["application_id"] == application_id

        receiver.status = 200
        replayed = await benefits.http.post(
            f"/feed-deliveries/{dead['delivery_id']}/replay", headers=operator
        )
        again = await benefits.http.post(f"/feed-deliveries/{dead['delivery_id']}/replay", headers=operator)
        assert replayed.status_code == 200 and replayed.json()["status"] == "pending"
        assert again.status_code == 409 and again.json()["error"] == "delivery_not_dead_lettered"
        assert await dispatcher.deliver_due() == 1

    assert len(receiver.received) == 4
    assert len({headers["x-reemploy-delivery"] for headers, _ in receiver.received}) == 1
    delivered = body(await benefits.http.get("/feed-deliveries?status=delivered", headers=operator))
    assert [d["delivery_id"] for d in delivered] == [dead["delivery_id"]]


async def test_deliveries_wait_for_a_webhook_and_stop_when_consent_is_withdrawn(
    benefits: Benefits, receiver: Receiver
) -> None:
    case_id, consent_id, _ = await _loan(benefits)
    operator = benefits.issuer.operator()

    async with httpx.AsyncClient() as http:
        dispatcher = benefits.dispatcher(http)
        assert await dispatcher.deliver_due() == 1
        [waiting] = body(await benefits.http.get("/feed-deliveries", headers=operator))
        assert waiting["status"] == "pending"
        assert waiting["last_error"] == "the agency has registered no webhook"

        await _register(benefits, receiver)
        await benefits.withdraw_consent(case_id, Agency.BANK, consent_id)
        benefits.clock.advance(timedelta(minutes=5))
        assert await dispatcher.deliver_due() == 0

    assert receiver.received == []
    [cancelled] = body(await benefits.http.get("/feed-deliveries", headers=operator))
    assert cancelled["status"] == "cancelled"


async def test_two_dispatchers_send_each_delivery_once(benefits: Benefits, receiver: Receiver) -> None:
    await _register(benefits, receiver)
    for _ in range(5):
        await _loan(benefits)

    async with httpx.AsyncClient() as http:
        sent = await asyncio.gather(
            benefits.dispatcher(http).deliver_due(), benefits.dispatcher(http).deliver_due()
        )

    assert sum(sent) == 5
    assert len(receiver.received) == 5
    assert len({headers["x-reemploy-delivery"] for headers, _ in receiver.received}) == 5


async def test_a_webhook_secret_is_long_and_the_url_is_http(benefits: Benefits) -> None:
    response = await benefits.http.put(
        "/agencies/bank/webhook",
        json={"url": "not a url", "secret": "short"},
        headers=benefits.issuer.agency(Agency.BANK),
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"url", "secret"}


async def test_a_delivery_waiting_when_the_service_stops_is_sent_after_it_starts_again(
    benefits: Benefits, receiver: Receiver
) -> None:
    await _register(benefits, receiver)
    receiver.status = 503
    _, _, application_id = await _loan(benefits)
    async with httpx.AsyncClient() as http:
        assert await benefits.dispatcher(http).deliver_due() == 1

    restarted = create_app(
        ServiceSettings(database_url=benefits.database_url),
        clock=benefits.clock,
        token_verifier=benefits.issuer.verifier(),
        delivery=TEST_DELIVERY,
    )
    receiver.status = 200
    benefits.clock.advance(timedelta(seconds=30))
    async with restarted.router.lifespan_context(restarted):
        deadline = time.monotonic() + 10
        while await _statuses(benefits) != ["delivered"]:
            assert time.monotonic() < deadline, "the restarted service did not deliver"
            await asyncio.sleep(0.1)

    assert len(receiver.received) == 2
    assert json.loads(receiver.received[-1][1])["subject"] == application_id


async def _statuses(benefits: Benefits) -> list[str]:
    async with benefits.office.sessions() as session:
        return list((await session.execute(text("SELECT status FROM feed_deliveries"))).scalars().all())
