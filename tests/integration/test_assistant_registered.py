"""Intake tells the other services who a new labour assistant is, in the transaction that registers them
(SQLite and PostgreSQL)."""

import json

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events.intake import AssistantRegistered
from services.intake.models import LabourAssistant, outbox
from tests.factories import assistant


async def registrations(engine: AsyncEngine) -> list[dict]:
    async with engine.connect() as connection:
        payloads = (await connection.execute(select(outbox.c.payload).order_by(outbox.c.seq))).scalars()
        return [json.loads(p) for p in payloads if AssistantRegistered.event_type in p]


async def test_a_new_assistant_is_announced_by_name(
    intake_api: httpx.AsyncClient, intake_engine: AsyncEngine
):
    created = await intake_api.post("/assistants", json=assistant(name="李娟", capacity=40))
    assert created.status_code == 201, created.text
    assistant_id = created.json()["assistant_id"]
    [envelope] = await registrations(intake_engine)
    assert (envelope["subject"], envelope["source"]) == (assistant_id, "/services/intake")
    event = AssistantRegistered.model_validate(envelope["data"])
    assert (event.assistant_id, event.name, event.community_code, event.street_code, event.capacity) == (
        assistant_id,
        "李娟",
        "ZS-01",
        "ZS",
        40,
    )


async def test_a_refused_assistant_is_neither_kept_nor_announced(
    intake_api: httpx.AsyncClient, intake_engine: AsyncEngine
):
    refused = await intake_api.post("/assistants", json=assistant(community_code="XX-99"))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "community_code"
    assert await registrations(intake_engine) == []
    async with intake_engine.connect() as connection:
        assert (await connection.execute(select(LabourAssistant.assistant_id))).all() == []
