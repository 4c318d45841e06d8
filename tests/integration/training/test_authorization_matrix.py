"""Who may call which training route: every route needs a token, each caller is let in or refused as the
table says, a labour assistant reaches only their community's cases, and bad tokens are refused."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from contracts.ids import uuid7
from services.common import scopes
from tests.authz import (
    CALLERS,
    FLAWS,
    assert_callers_as_the_table_says,
    assert_each_wants_a_token,
    bad_tokens,
    caller_headers,
    concrete,
    protected_routes,
)
from tests.http_checks import body
from tests.integration.training.support import (
    ISSUER,
    accredited_provider,
    as_assistant,
    as_provider,
    course,
    enrol,
    open_case,
    outbox_events,
    publish,
)

MANAGERS = frozenset({"supervisor", "service"})
STAFF = frozenset({"labour_assistant", "supervisor", "service"})
PROVIDER = frozenset({"provider"})
CANCELLATION = {"reason": "the kitchen is under repair"}

ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/providers"): MANAGERS,
    ("GET", "/providers"): STAFF,
    ("GET", "/providers/{provider_id}"): STAFF,
    ("POST", "/providers/{provider_id}/accreditation"): MANAGERS,
    ("POST", "/courses"): MANAGERS,
    ("GET", "/courses"): STAFF,
    ("GET", "/courses/{course_id}"): STAFF,
    ("POST", "/courses/{course_id}/retirement"): MANAGERS,
    ("POST", "/providers/{provider_id}/classes"): PROVIDER,
    ("GET", "/providers/{provider_id}/classes/{class_id}/enrolments"): PROVIDER,
    ("POST", "/providers/{provider_id}/classes/{class_id}/sessions/{session_id}/attendance"): PROVIDER,
    ("POST", "/providers/{provider_id}/classes/{class_id}/results"): PROVIDER,
    ("POST", "/providers/{provider_id}/classes/{class_id}/cancellation"): PROVIDER,
    ("GET", "/classes"): STAFF,
    ("GET", "/classes/{class_id}"): STAFF,
    ("GET", "/classes/{class_id}/enrolments"): STAFF,
    ("POST", "/classes/{class_id}/enrolments"): STAFF,
    ("GET", "/enrolments/{enrolment_id}"): STAFF,
    ("POST", "/enrolments/{enrolment_id}/withdrawal"): STAFF,
    ("GET", "/cases/{case_id}/enrolments"): STAFF,
    ("GET", "/cases/{case_id}/certificates"): STAFF,
    ("GET", "/cases/{case_id}/course-recommendations"): STAFF,
    ("GET", "/certificates/{certificate_number}"): STAFF,
    ("GET", "/statistics"): STAFF,
}
"""Per route, the callers let in: supervisors keep the catalogue (`training:manage`), staff read
(`training:read`) and enrol (`cases:write`), a provider acts on its own classes (`training:provide`). The
service client (the Temporal worker) holds every staff scope, but acts for no provider."""


async def call(api: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    body: dict[str, Any] | None = {} if method in {"POST", "PUT"} else None
    return await api.request(method, concrete(path), json=body, headers=headers)


def test_the_table_names_every_route(training_app: FastAPI) -> None:
    assert set(protected_routes(training_app)) == set(ALLOWED)
    assert all(callers <= set(CALLERS) for callers in ALLOWED.values())


async def test_every_route_refuses_a_call_without_a_token(training_app, anonymous_api) -> None:
    await assert_each_wants_a_token(anonymous_api, protected_routes(training_app))


async def test_each_caller_is_let_in_or_refused_as_the_table_says(training_app, anonymous_api) -> None:
    await assert_callers_as_the_table_says(anonymous_api, ALLOWED, caller_headers(ISSUER))


async def test_an_assistant_of_another_community_does_not_reach_the_workers_case(
    training_api, training_engine, intake_feed
) -> None:
    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api)))["class_id"]
    case_id = await open_case(intake_feed)
    enrolment = body(await enrol(training_api, class_id, case_id), 201)
    before = await outbox_events(training_engine)
    stranger = as_assistant("ZS-02")

    refused = await training_api.post(
        f"/classes/{class_id}/enrolments",
        json={"case_id": await open_case(intake_feed), "assistant_id": str(uuid7())},
        headers=stranger,
    )
    assert (refused.status_code, refused.json()["error"]) == (403, "case_out_of_reach")
    for path in (
        f"/cases/{case_id}/enrolments",
        f"/cases/{case_id}/certificates",
        f"/cases/{case_id}/course-recommendations",
        f"/enrolments/{enrolment['enrolment_id']}",
    ):
        response = await training_api.get(path, headers=stranger)
        assert (response.status_code, response.json()["error"]) == (403, "case_out_of_reach"), path
        assert response.json()["details"] == {"case_id": case_id}
    withdrawal = await training_api.post(
        f"/enrolments/{enrolment['enrolment_id']}/withdrawal", json={"reason": "found_work"}, headers=stranger
    )
    assert (withdrawal.status_code, withdrawal.json()["error"]) == (403, "case_out_of_reach")
    assert await outbox_events(training_engine) == before

    roster = f"/classes/{class_id}/enrolments"
    assert body(await training_api.get(roster, headers=stranger)) == []
    assert [e["case_id"] for e in body(await training_api.get(roster))] == [case_id]
    supervised = await training_api.get(roster, headers=ISSUER.staff_headers("supervisor"))
    assert [e["case_id"] for e in body(supervised)] == [case_id]
    mine = await training_api.get(f"/cases/{case_id}/enrolments")
    assert [e["enrolment_id"] for e in body(mine)] == [enrolment["enrolment_id"]]


async def test_a_provider_acts_only_on_its_own_classes(training_api, training_engine) -> None:
    provider_id = await accredited_provider(training_api)
    other = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    class_id = (await publish(training_api, provider_id, await course(training_api)))["class_id"]
    before = await outbox_events(training_engine)

    through_other_path = await training_api.post(
        f"/providers/{other}/classes/{class_id}/cancellation", json=CANCELLATION, headers=as_provider(other)
    )
    assert (through_other_path.status_code, through_other_path.json()["error"]) == (404, "class_not_found")
    through_own_path = await training_api.post(
        f"/providers/{provider_id}/classes/{class_id}/cancellation",
        json=CANCELLATION,
        headers=as_provider(other),
    )
    assert (through_own_path.status_code, through_own_path.json()["error"]) == (403, "provider_mismatch")
    assert await outbox_events(training_engine) == before


@pytest.mark.parametrize("flaw", FLAWS)
async def test_an_expired_forged_or_misdirected_token_is_refused(anonymous_api, flaw) -> None:
    supervisor = (scopes.TRAINING_READ, scopes.TRAINING_MANAGE)
    valid = await anonymous_api.get("/providers", headers=ISSUER.headers(*supervisor, role="supervisor"))
    assert valid.status_code == 200
    for method, path in (("GET", "/providers"), ("POST", "/courses")):
        response = await call(
            anonymous_api, method, path, bad_tokens(ISSUER, *supervisor, role="supervisor")[flaw]
        )
        assert (response.status_code, response.json()["error"]) == (401, "invalid_token"), (path, flaw)
        assert flaw in response.json()["message"], response.text
