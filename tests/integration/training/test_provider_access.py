"""A provider's classes answer only a provider client's token naming that provider (both engines): no token
401, a forged one 401, a token without `training:provide` 403, another provider's token 403; a refusal
writes nothing, and the provider's own token is served."""

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from services.common import scopes
from tests import tokens
from tests.http_checks import body
from tests.integration.training.support import (
    ISSUER,
    Clock,
    accredited_provider,
    as_provider,
    class_body,
    course,
    enrol,
    open_case,
    outbox_events,
    publish,
)

ENDPOINTS = ["publish", "attendance", "results", "cancellation"]


async def provider_request(
    action: str, api: httpx.AsyncClient, intake_feed: Any, clock: Clock, provider_id: str
) -> tuple[str, dict[str, Any]]:
    """The path and body of one provider action on a fresh class of `provider_id`, ready to be served."""
    course_id = await course(api, code=f"COOK-{action}")
    if action == "publish":
        return f"/providers/{provider_id}/classes", class_body(course_id)
    published = await publish(api, provider_id, course_id, sessions=1)
    enrolment = body(await enrol(api, published["class_id"], await open_case(intake_feed)), 201)
    base = f"/providers/{provider_id}/classes/{published['class_id']}"
    [session] = published["sessions"]
    if action == "attendance":
        clock.now = datetime.fromisoformat(session["starts_at"])
        marks = [{"enrolment_id": enrolment["enrolment_id"], "present": True}]
        return f"{base}/sessions/{session['session_id']}/attendance", {"marks": marks}
    if action == "results":
        clock.now = datetime.fromisoformat(session["ends_at"]) + timedelta(hours=1)
        assessments = [{"enrolment_id": enrolment["enrolment_id"], "passed": False}]
        return f"{base}/results", {"assessments": assessments}
    return f"{base}/cancellation", {"reason": "the kitchen is under repair"}


@pytest.mark.parametrize("action", ENDPOINTS)
async def test_only_the_providers_own_token_acts_on_its_classes(
    training_api, anonymous_api, training_engine, intake_feed, clock, action
):
    provider_id = await accredited_provider(training_api)
    other = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    url, body = await provider_request(action, training_api, intake_feed, clock, provider_id)
    before = await outbox_events(training_engine)

    anonymous = await anonymous_api.post(url, json=body)
    assert (anonymous.status_code, anonymous.json()["error"]) == (401, "missing_token")
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    forged = await training_api.post(
        url, json=body, headers=tokens.TestIssuer().headers(scopes.TRAINING_PROVIDE)
    )
    assert (forged.status_code, forged.json()["error"]) == (401, "invalid_token")

    reader = await training_api.post(url, json=body, headers=as_provider(provider_id, scopes.TRAINING_READ))
    assert (reader.status_code, reader.json()["error"]) == (403, "insufficient_scope")
    assert reader.json()["details"] == {"required_scope": scopes.TRAINING_PROVIDE}

    attacker = await training_api.post(url, json=body, headers=as_provider(other))
    assert (attacker.status_code, attacker.json()["error"]) == (403, "provider_mismatch")
    assert attacker.json()["details"] == {"provider_id": provider_id}
    service = ISSUER.headers(scopes.TRAINING_PROVIDE, client_kind="service")
    nobody = await training_api.post(url, json=body, headers=service)
    assert (nobody.status_code, nobody.json()["error"]) == (403, "provider_mismatch")
    assert await outbox_events(training_engine) == before

    served = await training_api.post(url, json=body, headers=as_provider(provider_id))
    assert served.status_code in (200, 201), served.text
    assert len(await outbox_events(training_engine)) > len(before)


async def test_a_refused_token_is_refused_before_the_body_is_read(training_api, anonymous_api):
    provider_id = await accredited_provider(training_api)
    url = f"/providers/{provider_id}/classes"

    anonymous = await anonymous_api.post(url, json={"venue": ""})
    assert anonymous.status_code == 401
    attacker = await training_api.post(url, json={"venue": ""}, headers=as_provider(provider_id[::-1]))
    assert (attacker.status_code, attacker.json()["error"]) == (403, "provider_mismatch")
    own = await training_api.post(url, json={"venue": ""}, headers=as_provider(provider_id))
    assert own.status_code == 422


async def test_a_provider_reads_the_roster_of_its_own_classes_only(training_api, intake_feed):
    provider_id = await accredited_provider(training_api)
    other = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    published = await publish(training_api, provider_id, await course(training_api, code="COOK-ROSTER"))
    enrolled = body(await enrol(training_api, published["class_id"], await open_case(intake_feed)), 201)
    own = f"/providers/{provider_id}/classes/{published['class_id']}/enrolments"

    roster = await training_api.get(own, headers=as_provider(provider_id))
    assert roster.status_code == 200, roster.text
    assert [row["enrolment_id"] for row in roster.json()] == [enrolled["enrolment_id"]]

    attacker = await training_api.get(own, headers=as_provider(other))
    assert (attacker.status_code, attacker.json()["error"]) == (403, "provider_mismatch")
    elsewhere = f"/providers/{other}/classes/{published['class_id']}/enrolments"
    hidden = await training_api.get(elsewhere, headers=as_provider(other))
    assert (hidden.status_code, hidden.json()["error"]) == (404, "class_not_found")
