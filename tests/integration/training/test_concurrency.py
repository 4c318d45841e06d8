"""Concurrent enrolments never overbook a class and never lose a waitlist place (both engines).

Two API instances (two engines, as two processes would have) share the database, and every request is sent
at once.
"""

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from sqlalchemy import func, select

from services.common.settings import ServiceSettings
from services.training.app import create_app
from services.training.models import Enrolment, TrainingClass
from tests.http_checks import body
from tests.integration.training.support import (
    ISSUER,
    Clock,
    accredited_provider,
    as_assistant,
    course,
    enrol,
    open_case,
    outbox_events,
    publish,
)

CAPACITY = 10


@pytest_asyncio.fixture
async def second_api(training_database_url: str, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    """A second instance of the API on the same database, calling as the same labour assistant."""
    app = create_app(
        ServiceSettings(database_url=training_database_url), clock=clock, token_verifier=ISSUER.verifier()
    )
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://t2", headers=as_assistant()) as client,
    ):
        yield client


async def _invariants(engine, class_id: str) -> tuple[int, list[int]]:
    """The class's counter equals its enrolled rows, within capacity; returns them and the waiting tickets."""
    async with engine.connect() as connection:
        counter = await connection.scalar(
            select(TrainingClass.enrolled_count).where(TrainingClass.class_id == class_id)
        )
        enrolled = await connection.scalar(
            select(func.count()).where(Enrolment.class_id == class_id, Enrolment.status == "enrolled")
        )
        tickets = list(
            await connection.scalars(
                select(Enrolment.waitlist_ticket)
                .where(Enrolment.class_id == class_id, Enrolment.status == "waitlisted")
                .order_by(Enrolment.waitlist_ticket)
            )
        )
    assert counter == enrolled <= CAPACITY
    return enrolled, tickets


async def test_many_parallel_enrolments_fill_the_places_and_queue_the_rest_in_order(
    training_api, second_api, training_engine, intake_feed
):
    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api), capacity=CAPACITY))[
        "class_id"
    ]
    cases = [await open_case(intake_feed) for _ in range(40)]

    responses = await asyncio.gather(
        *(enrol((training_api, second_api)[n % 2], class_id, case_id) for n, case_id in enumerate(cases))
    )

    assert all(response.status_code == 201 for response in responses), [r.text for r in responses]
    statuses = [body(response, 201)["status"] for response in responses]
    assert statuses.count("enrolled") == CAPACITY and statuses.count("waitlisted") == 30
    positions = sorted(
        body(r, 201)["waitlist_position"] for r in responses if r.json()["status"] == "waitlisted"
    )
    assert positions == list(range(1, 31))
    enrolled, tickets = await _invariants(training_engine, class_id)
    assert enrolled == CAPACITY and tickets == list(range(1, 31))
    assert len(await outbox_events(training_engine, "training.enrolled.v1")) == CAPACITY
    assert len(await outbox_events(training_engine, "training.waitlisted.v1")) == 30


async def test_parallel_withdrawals_and_enrolments_promote_in_ticket_order_and_lose_no_place(
    training_api, second_api, training_engine, intake_feed
):
    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api), capacity=CAPACITY))[
        "class_id"
    ]
    first = [body(await enrol(training_api, class_id, await open_case(intake_feed)), 201) for _ in range(16)]
    holders = [payload for payload in first if payload["status"] == "enrolled"]
    waiting = [payload for payload in first if payload["status"] == "waitlisted"]
    latecomers = [await open_case(intake_feed) for _ in range(8)]

    withdrawals = [
        (training_api, second_api)[n % 2].post(
            f"/enrolments/{payload['enrolment_id']}/withdrawal", json={"reason": "schedule_conflict"}
        )
        for n, payload in enumerate(holders[:8])
    ]
    arrivals = [
        enrol((second_api, training_api)[n % 2], class_id, case_id) for n, case_id in enumerate(latecomers)
    ]
    responses = await asyncio.gather(*withdrawals, *arrivals)

    assert all(response.status_code in (200, 201) for response in responses), [r.text for r in responses]
    enrolled, tickets = await _invariants(training_engine, class_id)
    assert enrolled == CAPACITY, "a freed place was left empty while workers waited"
    promoted = [body(r)["promoted"] for r in responses[:8] if r.json()["promoted"] is not None]
    assert {payload["enrolment_id"] for payload in waiting} <= {
        payload["enrolment_id"] for payload in promoted
    }
    assert len(tickets) == 16 + 8 - 8 - CAPACITY
    async with training_engine.connect() as connection:
        promoted_tickets = list(
            await connection.scalars(
                select(Enrolment.waitlist_ticket).where(
                    Enrolment.class_id == class_id,
                    Enrolment.status == "enrolled",
                    Enrolment.waitlist_ticket.is_not(None),
                )
            )
        )
    assert max(promoted_tickets) < min(tickets), "someone who waited longer was skipped"
    assert len(await outbox_events(training_engine, "training.withdrawn.v1")) == 8


async def test_the_same_worker_enrolled_five_times_at_once_holds_one_place(
    training_api, second_api, training_engine, intake_feed
):
    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api), capacity=CAPACITY))[
        "class_id"
    ]
    case_id = await open_case(intake_feed)

    responses = await asyncio.gather(
        *(enrol((training_api, second_api)[n % 2], class_id, case_id) for n in range(6))
    )

    assert sorted(response.status_code for response in responses) == [201] + [409] * 5
    assert {response.json()["error"] for response in responses if response.status_code == 409} == {
        "already_enrolled"
    }
    enrolled, tickets = await _invariants(training_engine, class_id)
    assert (enrolled, tickets) == (1, [])
    assert len(await outbox_events(training_engine, "training.enrolled.v1")) == 1


async def test_the_same_place_given_up_twice_at_once_promotes_one_worker(
    training_api, second_api, training_engine, intake_feed
):
    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api), capacity=1))["class_id"]
    holder = body(await enrol(training_api, class_id, await open_case(intake_feed)), 201)
    for _ in range(3):
        await enrol(training_api, class_id, await open_case(intake_feed))
    url = f"/enrolments/{holder['enrolment_id']}/withdrawal"

    responses = await asyncio.gather(
        *((training_api, second_api)[n % 2].post(url, json={"reason": "health"}) for n in range(4))
    )

    assert sorted(response.status_code for response in responses) == [200, 409, 409, 409]
    enrolled, tickets = await _invariants(training_engine, class_id)
    assert (enrolled, tickets) == (1, [2, 3])
    assert len(await outbox_events(training_engine, "training.withdrawn.v1")) == 1
