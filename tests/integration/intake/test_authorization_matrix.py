"""Who may call which intake route: no token is a 401 everywhere, each route admits exactly its callers,
a caller reaches only the cases of their community or street, and bad tokens are refused."""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import func, select

from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import audit_log
from tests.authz import (
    FLAWS,
    assert_callers_as_the_table_says,
    assert_each_wants_a_token,
    bad_tokens,
    caller_headers,
    protected_routes,
)
from tests.factories import assistant, registration
from tests.http_checks import body
from tests.integration.intake.support import ISSUER, Clients, serving, staff

CASE_READERS = {"labour_assistant", "supervisor", "rights_officer", "service"}
CASE_WRITERS = {"labour_assistant", "supervisor", "service"}
NETWORK_MANAGERS = {"supervisor", "admin", "service"}
PLAN_APPROVERS = {"supervisor", "service"}
RESTRUCTURING_MANAGERS = {"supervisor", "service"}
AUDIT_READERS = {"supervisor", "admin", "service"}
SERVICE_ONLY = {"service"}

ALLOWED: dict[tuple[str, str], set[str]] = {
    ("POST", "/workers"): CASE_WRITERS,
    ("GET", "/workers"): CASE_READERS,
    ("GET", "/workers/{case_id}"): CASE_READERS,
    ("POST", "/workers/{case_id}/closure"): CASE_WRITERS,
    ("POST", "/workers/{case_id}/reopening"): CASE_WRITERS,
    ("GET", "/workers/{case_id}/history"): CASE_READERS,
    ("GET", "/workers/{case_id}/journey"): CASE_READERS,
    ("GET", "/workers/{case_id}/journey/timeline"): CASE_READERS,
    ("POST", "/workers/{case_id}/journey/exit"): CASE_WRITERS,
    ("POST", "/workers/{case_id}/journey/stable-closure"): CASE_WRITERS,
    ("POST", "/workers/{case_id}/journey/progress"): CASE_WRITERS,
    ("POST", "/journey-events"): SERVICE_ONLY,
    ("POST", "/streets"): NETWORK_MANAGERS,
    ("POST", "/communities"): NETWORK_MANAGERS,
    ("POST", "/assistants"): NETWORK_MANAGERS,
    ("GET", "/assistants/{assistant_id}/caseload"): CASE_READERS,
    ("PUT", "/workers/{case_id}/assistant"): NETWORK_MANAGERS,
    ("PUT", "/workers/{case_id}/profile"): CASE_WRITERS,
    ("GET", "/workers/{case_id}/profile"): CASE_READERS,
    ("GET", "/workers/{case_id}/profile/versions"): CASE_READERS,
    ("POST", "/workers/{case_id}/consents"): CASE_WRITERS,
    ("GET", "/workers/{case_id}/consents"): CASE_READERS,
    ("POST", "/workers/{case_id}/consents/{consent_id}/withdrawal"): CASE_WRITERS,
    ("POST", "/workers/{case_id}/guidance-sessions"): CASE_WRITERS,
    ("GET", "/workers/{case_id}/guidance-sessions"): CASE_READERS,
    ("POST", "/workers/{case_id}/plan"): CASE_WRITERS,
    ("POST", "/workers/{case_id}/plan/agreement"): CASE_WRITERS,
    ("POST", "/workers/{case_id}/plan/approval"): PLAN_APPROVERS,
    ("GET", "/workers/{case_id}/plan"): CASE_READERS,
    ("GET", "/workers/{case_id}/plan/revisions"): CASE_READERS,
    ("POST", "/restructuring-plans"): RESTRUCTURING_MANAGERS,
    ("GET", "/restructuring-plans/{plan_id}"): RESTRUCTURING_MANAGERS,
    ("PUT", "/restructuring-plans/{plan_id}"): RESTRUCTURING_MANAGERS,
    ("POST", "/restructuring-plans/{plan_id}/vote"): RESTRUCTURING_MANAGERS,
    ("POST", "/restructuring-plans/{plan_id}/intake"): RESTRUCTURING_MANAGERS,
    ("PUT", "/restructuring-plans/{plan_id}/roster"): RESTRUCTURING_MANAGERS,
    ("GET", "/restructuring-plans/{plan_id}/roster"): RESTRUCTURING_MANAGERS,
    ("POST", "/restructuring-plans/{plan_id}/roster/intake"): RESTRUCTURING_MANAGERS,
    ("POST", "/restructuring-plans/{plan_id}/vote-reminders"): RESTRUCTURING_MANAGERS,
    ("GET", "/ledger/spreadsheet-template"): CASE_WRITERS,
    ("POST", "/ledger/spreadsheet"): CASE_WRITERS,
    ("GET", "/ledger/spreadsheet"): CASE_READERS,
    ("GET", "/roster/spreadsheet-template"): RESTRUCTURING_MANAGERS,
    ("POST", "/restructuring-plans/{plan_id}/roster/spreadsheet"): RESTRUCTURING_MANAGERS,
    ("GET", "/audit/verify"): AUDIT_READERS,
    ("GET", "/audit/export"): AUDIT_READERS,
}
"""Per route, the callers (`tests.authz.CALLERS`) whose tokens identity grants enough to call it."""


@pytest_asyncio.fixture
async def intake(intake_database_url: str) -> AsyncIterator[tuple[FastAPI, Clients]]:
    app = create_app(ServiceSettings(database_url=intake_database_url), token_verifier=ISSUER.verifier())
    async with serving(app) as clients:
        yield app, clients


async def test_every_route_but_health_and_metrics_needs_a_token(intake):
    app, clients = intake
    routes = protected_routes(app)
    assert set(routes) == set(ALLOWED), "every route needs its row in ALLOWED"
    await assert_each_wants_a_token(clients.anonymous, routes)
    for open_path in ("/healthz", "/metrics"):
        assert (await clients.anonymous.get(open_path)).status_code == 200


async def test_each_route_admits_exactly_its_callers(intake):
    _, clients = intake
    await assert_callers_as_the_table_says(clients.anonymous, ALLOWED, caller_headers(ISSUER))


@pytest_asyncio.fixture
async def neighbours_case(intake) -> AsyncIterator[tuple[Clients, dict]]:
    """A case of community ZS-01 (street ZS), with an assistant, a consent and a plan; street HP next door."""
    _, clients = intake
    assert (await clients.admin.post("/streets", json={"street_code": "HP", "name": "和平街道"})).is_success
    community = {"community_code": "HP-01", "street_code": "HP", "name": "和平社区"}
    assert (await clients.admin.post("/communities", json=community)).is_success
    helper = body(await clients.admin.post("/assistants", json=assistant()), 201)["assistant_id"]
    case = body(await clients.assistant.post("/workers", json=registration()), 201)
    consent = {"agency": "tax", "purpose": "tax relief", "expires_on": "2030-01-01"}
    consent_id = body(
        await clients.assistant.post(f"/workers/{case['case_id']}/consents", json=consent), 201
    )["consent_id"]
    plan = {"track": "training", "goals": ["完成家政服务培训"]}
    assert (await clients.assistant.post(f"/workers/{case['case_id']}/plan", json=plan)).is_success
    yield clients, case | {"helper": helper, "consent_id": consent_id}


def case_routes(case: dict) -> list[tuple[str, str, dict | None]]:
    """Every route on one case, with a valid body, so only the reach decides."""
    worker = f"/workers/{case['case_id']}"
    held = {"kind": "career_guidance", "held_on": "2026-11-20", "assistant_id": case["helper"]}
    return [
        ("GET", worker, None),
        ("POST", f"{worker}/closure", {"reason": "moved_away"}),
        ("POST", f"{worker}/reopening", {"reason": "job_ended"}),
        ("GET", f"{worker}/history", None),
        ("GET", f"{worker}/journey", None),
        ("GET", f"{worker}/journey/timeline", None),
        ("POST", f"{worker}/journey/exit", {"reason": "moved_away"}),
        ("POST", f"{worker}/journey/stable-closure", {}),
        ("POST", f"{worker}/journey/progress", {"note": "面试了一家超市"}),
        ("PUT", f"{worker}/profile", {"profile": {"education": "vocational"}}),
        ("GET", f"{worker}/profile", None),
        ("GET", f"{worker}/profile/versions", None),
        ("POST", f"{worker}/consents", {"agency": "tax", "purpose": "x", "expires_on": "2030-01-01"}),
        ("GET", f"{worker}/consents", None),
        ("POST", f"{worker}/consents/{case['consent_id']}/withdrawal", None),
        ("POST", f"{worker}/guidance-sessions", held),
        ("GET", f"{worker}/guidance-sessions", None),
        ("POST", f"{worker}/plan", {"track": "job_search", "goals": ["三个月内就业"]}),
        ("POST", f"{worker}/plan/agreement", None),
        ("GET", f"{worker}/plan", None),
        ("GET", f"{worker}/plan/revisions", None),
    ]


async def audit_records(intake_engine) -> int:
    async with intake_engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(audit_log))


@pytest.mark.parametrize(
    "claims",
    [
        {"role": "labour_assistant", "community_code": "HP-01"},
        {"role": "supervisor", "street_code": "HP"},
    ],
    ids=["assistant-of-another-community", "supervisor-of-another-street"],
)
async def test_a_case_out_of_reach_is_refused_on_every_route_and_nothing_is_written(
    neighbours_case, intake_engine, claims
):
    clients, case = neighbours_case
    role, claims = claims["role"], {name: value for name, value in claims.items() if name != "role"}
    before = await audit_records(intake_engine)
    async with clients.caller(staff(role, **claims)) as stranger:
        routes = case_routes(case)
        if role == "supervisor":
            routes += [
                ("POST", f"/workers/{case['case_id']}/plan/approval", None),
                ("PUT", f"/workers/{case['case_id']}/assistant", {"assistant_id": case["helper"]}),
            ]
        for method, path, payload in routes:
            response = await stranger.request(method, path, json=payload)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["error"] == "case_out_of_reach"
            assert response.json()["details"] == {"community_code": "ZS-01"}
        assert body(await stranger.get("/workers"))["items"] == []
        assert body(await stranger.get("/workers", params={"community_code": "ZS-01"}))["items"] == []
        caseload = await stranger.get(f"/assistants/{case['helper']}/caseload")
        assert caseload.status_code == 403 and caseload.json()["error"] == "case_out_of_reach"
        registered = await stranger.post("/workers", json=registration())
        assert registered.status_code == 403 and registered.json()["error"] == "case_out_of_reach"
    assert await audit_records(intake_engine) == before
    unchanged = body(await clients.assistant.get(f"/workers/{case['case_id']}"))
    assert unchanged["status"] == "open" and unchanged["assistant_id"] == case["helper"]
    assert len(body(await clients.assistant.get(f"/workers/{case['case_id']}/plan/revisions"))) == 1


async def test_the_own_community_and_the_whole_district_are_reached(neighbours_case):
    clients, case = neighbours_case
    for own in (clients.assistant, clients.supervisor, clients.service):
        assert (await own.get(f"/workers/{case['case_id']}")).status_code == 200
        assert [c["case_id"] for c in body(await own.get("/workers"))["items"]] == [case["case_id"]]
    async with clients.caller(staff("supervisor", street_code="ZS")) as street_supervisor:
        assert (await street_supervisor.get(f"/workers/{case['case_id']}/history")).status_code == 200
    async with clients.caller(staff("rights_officer")) as rights_officer:
        assert (await rights_officer.get(f"/workers/{case['case_id']}")).status_code == 200
        refused = await rights_officer.put(f"/workers/{case['case_id']}/profile", json={"profile": {}})
        assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"
    async with clients.caller(staff("labour_assistant")) as without_community:
        refused = await without_community.get(f"/workers/{case['case_id']}")
        assert refused.status_code == 403 and refused.json()["error"] == "case_out_of_reach"
        assert body(await without_community.get("/workers"))["items"] == []


SUPERVISOR = ("cases:read", "cases:write")


@pytest.mark.parametrize("flaw", FLAWS)
async def test_bad_tokens_are_refused(intake, flaw):
    _, clients = intake
    response = await clients.anonymous.get(
        "/workers", headers=bad_tokens(ISSUER, *SUPERVISOR, role="supervisor")[flaw]
    )
    assert response.status_code == 401, flaw
    assert response.json()["error"] == "invalid_token"
    assert flaw in response.json()["message"]
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    good = ISSUER.headers(*SUPERVISOR, role="supervisor")
    assert (await clients.anonymous.get("/workers", headers=good)).status_code == 200
