"""Placement's consumer: intake's and training's events into the worker view, each applied once, on SQLite
and PostgreSQL, and once through a real broker."""

import asyncio
import uuid

import pytest
from sqlalchemy import func, select

from contracts.events.intake import CaseClosed, CaseReopened, ClosureReason
from contracts.topics import SUBSCRIPTIONS
from services.common import kafka
from services.common.consumer import EventConsumer, KafkaDeadLetters, PermanentError
from services.common.db import session_factory
from services.placement import consumers
from services.placement.models import Worker, inbox
from tests.http_checks import body
from tests.integration.placement.builders import (
    MOMENT,
    as_assistant,
    certificate_envelope,
    posted_vacancy,
    profile,
    registered,
    verified_employer,
)
from tests.integration.placement.builders import assigned as assignment
from tests.sql_statements import statements_sent

CASE = "0193a000-0000-7000-8000-0000000000c1"


async def test_each_event_is_applied_once_and_an_older_profile_never_replaces_a_newer(placement_api, feed):
    api = placement_api
    newer = profile(CASE, version=2, skills=("Cooking:advanced", "cooking:basic"), occupations=("Cooking",))
    older = profile(CASE, version=1, skills=("sewing",), occupations=("garment and weaving",))
    certificate = certificate_envelope(CASE, area="housekeeping", name="家政服务员 Housekeeping")

    assert await feed.certificate(CASE, area="elderly_care", name="养老护理员") == "applied"
    assert await feed.envelope(certificate) == "applied"
    assert await feed.envelope(certificate) == "duplicate"
    assert await feed.event(newer) == "applied"
    assert await feed.event(older) == "applied"
    assert (
        await feed.event(registered(CASE, community="HP-01", flags=("aged_4050", "disability"))) == "applied"
    )
    assert await feed.event(assignment(CASE, "assistant-7")) == "applied"

    worker = body(await api.get(f"/workers/{CASE}", headers=as_assistant("HP-01")))
    assert worker["profile_version"] == 2 and worker["skills"] == {"cooking": 3}
    assert worker["desired_occupations"] == ["cooking"]
    assert worker["community_code"] == "HP-01" and worker["hardship_flags"] == ["aged_4050", "disability"]
    assert worker["assistant_id"] == "assistant-7" and worker["registered"] is True
    assert sorted(c["occupation_area"] for c in worker["training_certificates"]) == [
        "elderly_care",
        "housekeeping",
    ]


async def test_a_first_registration_and_its_assignment_write_the_view_in_one_statement_each(
    placement_api, feed, placement_engine
):
    """Every registration takes this path, so each writes its row in one statement; the row is the same as
    the one the full path builds, and later events still change it."""
    with statements_sent() as sent:
        assert await feed.event(registered(CASE, community="HP-01", flags=("disability",))) == "applied"
        assert await feed.event(assignment(CASE, "assistant-7")) == "applied"
    assert len([statement for statement in sent if " workers" in statement]) == 2, "\n".join(sent)

    async with placement_engine.connect() as connection:
        row = (await connection.execute(select(Worker).where(Worker.case_id == CASE))).one()
    assert row.match_facts == {
        "flags": ["disability"],
        "skills": {},
        "certificates": [],
        "occupations": [],
        "forms": [],
    }
    assert (row.assistant_id, row.registered, row.case_open, row.version) == ("assistant-7", True, True, 2)

    cooking = profile(CASE, version=1, skills=("cooking",), occupations=("Cooking",))
    assert await feed.event(cooking) == "applied"
    worker = body(await placement_api.get(f"/workers/{CASE}", headers=as_assistant("HP-01")))
    assert worker["assistant_id"] == "assistant-7" and worker["hardship_flags"] == ["disability"]
    assert worker["skills"] == {"cooking": 1} and worker["desired_occupations"] == ["cooking"]


async def test_an_assignment_before_the_registration_leaves_a_row_the_registration_completes(
    placement_api, feed
):
    assert await feed.event(assignment(CASE, "assistant-7")) == "applied"
    assert await feed.event(registered(CASE, community="HP-01", flags=("aged_4050",))) == "applied"

    worker = body(await placement_api.get(f"/workers/{CASE}", headers=as_assistant("HP-01")))
    assert worker["assistant_id"] == "assistant-7" and worker["registered"] is True
    assert worker["community_code"] == "HP-01" and worker["hardship_flags"] == ["aged_4050"]


async def test_one_batch_with_the_registration_the_assignment_and_a_profile_of_one_case(placement_api, feed):
    events = [
        registered(CASE, community="HP-01"),
        assignment(CASE, "assistant-7"),
        profile(CASE, version=1, skills=("sewing",)),
        assignment(CASE, "assistant-8"),
    ]
    outcomes = await feed.handler.apply_batch([event.envelope(correlation_id="test") for event in events])
    assert outcomes == ["applied"] * 4

    worker = body(await placement_api.get(f"/workers/{CASE}", headers=as_assistant("HP-01")))
    assert worker["assistant_id"] == "assistant-8" and worker["skills"] == {"sewing": 1}
    assert worker["registered"] is True and worker["profile_version"] == 1


async def test_a_closed_case_is_not_matched_until_it_is_reopened(placement_api, feed):
    api = placement_api
    employer_id = await verified_employer(api)
    vacancy_id = await posted_vacancy(api, employer_id)
    case_id = await feed.worker(occupations=("housekeeping",))

    async def matched() -> list[str]:
        return [m["case_id"] for m in body(await api.get(f"/vacancies/{vacancy_id}/matches"))]

    assert await matched() == [case_id]
    await feed.event(CaseClosed(case_id=case_id, reason=ClosureReason.MOVED_AWAY, closed_at=MOMENT))
    assert await matched() == []
    refused = await api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id})
    assert refused.status_code == 409 and refused.json()["error"] == "case_closed"
    await feed.event(CaseReopened(case_id=case_id, reason="came back", reopened_at=MOMENT))
    assert await matched() == [case_id]


async def test_events_of_no_interest_are_ignored_and_broken_ones_are_permanent_errors(feed):
    other = registered(CASE).envelope(correlation_id="t").model_copy(update={"type": "intake.something.v1"})
    assert await feed.envelope(other) == "ignored"
    broken = registered(CASE).envelope(correlation_id="t")
    broken = broken.model_copy(update={"data": {**broken.data, "layoff_date": "not a date"}})
    with pytest.raises(PermanentError):
        await feed.envelope(broken)


@pytest.mark.parametrize("placement_database_url", ["sqlite"], indirect=True)
async def test_the_consumer_group_applies_intake_and_training_events_from_the_broker(
    broker, placement_engine, placement_api
):
    envelopes = [
        registered(CASE, flags=("aged_4050",)).envelope(correlation_id="broker"),
        profile(CASE, skills=("cleaning",), occupations=("housekeeping",)).envelope(correlation_id="broker"),
        certificate_envelope(CASE, area="housekeeping", name="Housekeeping"),
    ]
    producer = kafka.producer(broker.bootstrap, client_id="test-intake")
    await producer.start()
    try:
        for envelope in [*envelopes, envelopes[0]]:
            topic = "training.events" if envelope.type.startswith("training.") else "intake.events"
            await producer.send_and_wait(topic, envelope.model_dump_json().encode(), key=CASE.encode())
    finally:
        await producer.stop()

    group = f"placement-{uuid.uuid4().hex[:8]}"
    source = kafka.group_consumer(
        broker.bootstrap, group_id=group, session_timeout_ms=6000, topics=SUBSCRIPTIONS["placement"]
    )
    dead_letters = kafka.producer(broker.bootstrap, client_id=f"{group}-dlq")
    await source.start()
    await dead_letters.start()
    stop = asyncio.Event()
    consumer = EventConsumer(
        name="placement",
        consumer=source,
        handler=consumers.build_handler(session_factory(placement_engine)),
        dead_letters=KafkaDeadLetters(consumer="placement", producer=dead_letters),
    )
    running = asyncio.create_task(consumer.run(stop))

    def complete(view: dict) -> bool:
        return view.get("registered") is True and [c["name"] for c in view["training_certificates"]] == [
            "housekeeping"
        ]

    try:
        async with asyncio.timeout(30):
            while True:
                view = await placement_api.get(f"/workers/{CASE}")
                if complete(body(view, (200, 404))):
                    break
                await asyncio.sleep(0.2)
    finally:
        stop.set()
        await running
        await source.stop()
        await dead_letters.stop()
    async with placement_engine.connect() as connection:
        applied = await connection.scalar(select(func.count()).select_from(inbox))
        workers = await connection.scalar(select(func.count()).select_from(Worker))
    assert (applied, workers) == (3, 1)
