"""The caseworker network on SQLite and PostgreSQL: assignment, capacity under concurrency, reassignment."""

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy import select

from services.intake.models import outbox
from tests.factories import NETWORK, assistant, registration
from tests.http_checks import body
from tests.integration.intake.support import Clients


@pytest_asyncio.fixture
async def api(intake: Clients) -> AsyncIterator[Clients]:
    """An administrator keeps the network, the assistant of ZS-01 registers, a supervisor reassigns."""
    second = {"community_code": "ZS-02", "street_code": "ZS", "name": "红旗社区"}
    assert (await intake.admin.post("/communities", json=second)).status_code == 201
    yield intake


async def add_assistant(api: Clients, **overrides) -> str:
    response = await api.admin.post("/assistants", json=assistant(**overrides))
    assert response.status_code == 201, response.text
    return response.json()["assistant_id"]


async def register(api: Clients) -> dict:
    response = await api.assistant.post("/workers", json=registration())
    assert response.status_code == 201, response.text
    return response.json()


async def open_cases(api: Clients, assistant_id: str) -> int:
    caseload = body(await api.supervisor.get(f"/assistants/{assistant_id}/caseload"))
    assert caseload["open_cases"] == len(caseload["case_ids"])
    return caseload["open_cases"]


async def test_cases_go_to_the_least_loaded_assistant_of_the_community_then_of_the_street(api):
    first = await add_assistant(api, name="甲", capacity=2)
    second = await add_assistant(api, name="乙", capacity=2)
    neighbour = await add_assistant(api, name="丙", community_code="ZS-02", capacity=1)
    assigned = [(await register(api))["assistant_id"] for _ in range(6)]
    assert Counter(assigned[:4]) == {first: 2, second: 2}
    assert assigned[4] == neighbour
    assert assigned[5] is None
    assert [await open_cases(api, a) for a in (first, second, neighbour)] == [2, 2, 1]


async def test_concurrent_registrations_never_push_an_assistant_past_capacity(api):
    only = await add_assistant(api, capacity=5)
    cases = await asyncio.gather(*(register(api) for _ in range(20)))
    assert Counter(case["assistant_id"] for case in cases) == {only: 5, None: 15}
    assert await open_cases(api, only) == 5


async def test_a_supervisor_reassigns_a_case_and_both_caseloads_follow(api, intake_engine):
    first = await add_assistant(api, capacity=3)
    case = await register(api)
    other = await add_assistant(api, name="王芳", community_code="ZS-02", capacity=1)
    moved = await api.supervisor.put(f"/workers/{case['case_id']}/assistant", json={"assistant_id": other})
    assert moved.status_code == 200, moved.text
    assert moved.json()["assistant_id"] == other
    assert (await open_cases(api, first), await open_cases(api, other)) == (0, 1)

    second_case = await register(api)
    full = await api.supervisor.put(
        f"/workers/{second_case['case_id']}/assistant", json={"assistant_id": other}
    )
    assert full.status_code == 409 and full.json()["error"] == "assistant_at_capacity"
    assert (await open_cases(api, first), await open_cases(api, other)) == (1, 1)

    async with intake_engine.connect() as connection:
        payloads = (await connection.execute(select(outbox.c.payload).order_by(outbox.c.seq))).scalars().all()
    assignments = [json.loads(p)["data"] for p in payloads if '"intake.case_assigned.v1"' in p]
    assert [(a["reason"], a["assistant_id"], a["previous_assistant_id"]) for a in assignments] == [
        ("automatic", first, None),
        ("reassigned", other, first),
        ("automatic", first, None),
    ]


async def test_unknown_places_and_people_are_named(api):
    unknown_community = await api.supervisor.post("/workers", json=registration(community_code="XX-99"))
    assert unknown_community.status_code == 422
    assert unknown_community.json()["errors"] == [{"field": "community_code", "reason": "unknown community"}]
    bad_street = await api.admin.post(
        "/communities", json={"community_code": "Q-1", "street_code": "QQ", "name": "x"}
    )
    assert body(bad_street, 422)["errors"][0]["field"] == "street_code"
    case = await register(api)
    nobody = await api.supervisor.put(
        f"/workers/{case['case_id']}/assistant", json={"assistant_id": "01a20c9b-3192-7e13-87c2-13fe6cf88833"}
    )
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "assistant_id"
    again = await api.admin.post("/streets", json=NETWORK[0][1])
    assert again.status_code == 409 and again.json()["error"] == "street_exists"


async def test_an_assistant_reads_only_the_caseloads_of_their_own_community(api):
    mine = await add_assistant(api, capacity=2)
    neighbour = await add_assistant(api, name="丙", community_code="ZS-02", capacity=1)
    assert (await api.assistant.get(f"/assistants/{mine}/caseload")).status_code == 200
    refused = await api.assistant.get(f"/assistants/{neighbour}/caseload")
    assert refused.status_code == 403 and refused.json()["error"] == "case_out_of_reach"
    case = await register(api)
    not_theirs = await api.assistant.put(f"/workers/{case['case_id']}/assistant", json={"assistant_id": mine})
    assert not_theirs.status_code == 403 and not_theirs.json()["error"] == "insufficient_scope"
