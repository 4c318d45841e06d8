"""Who may call which benefits route: no token is 401 everywhere, each kind of caller is let through exactly
where the matrix says, an assistant reaches only their community's cases, and bad tokens are refused."""

from typing import Any

import pytest

from contracts.events.intake import Agency, AssignmentReason, CaseAssigned
from contracts.ids import uuid7
from services.common import scopes
from tests.authz import (
    CALLERS,
    FLAWS,
    HOME_STREET,
    assert_each_wants_a_token,
    bad_tokens,
    caller_headers,
    concrete,
    protected_routes,
)
from tests.http_checks import body
from tests.integration.benefits.conftest import Benefits, loan_request, new_case

APPLICANTS = frozenset({"labour_assistant", "supervisor", "service"})
AGENCY = frozenset({"agency"})
WEBHOOK = {"url": "http://127.0.0.1:9/hook", "secret": "s" * 32}

MATRIX: dict[tuple[str, str], tuple[frozenset[str], dict[str, Any] | None]] = {
    ("POST", "/applications"): (APPLICANTS, {}),
    ("GET", "/applications"): (APPLICANTS, None),
    ("GET", "/applications/{application_id}"): (APPLICANTS, None),
    ("POST", "/applications/{application_id}/withdrawal"): (APPLICANTS, {"reason": "found a job"}),
    ("GET", "/agencies/{agency}/applications"): (AGENCY, None),
    ("GET", "/agencies/{agency}/applications/{application_id}"): (AGENCY, None),
    ("POST", "/agencies/{agency}/applications/{application_id}/decision"): (
        AGENCY,
        {"decision": "rejected", "reason": "no guarantor"},
    ),
    ("PUT", "/agencies/{agency}/webhook"): (AGENCY, WEBHOOK),
    ("GET", "/feed-deliveries"): (frozenset({"service"}), None),
    ("POST", "/feed-deliveries/{delivery_id}/replay"): (frozenset({"service"}), None),
    ("GET", "/audit/verify"): (frozenset({"admin", "supervisor", "service"}), None),
    ("GET", "/audit/export"): (frozenset({"admin", "supervisor", "service"}), None),
}
"""Per route: the callers allowed, and a valid body (`{}` stands for a loan application of the case)."""


async def submitted(benefits: Benefits, case_id: str | None = None) -> tuple[str, str]:
    """A micro-loan application of a home-community worker who consented to the bank: (case, application)."""
    case_id = case_id or new_case()
    await benefits.consent(case_id, Agency.BANK)
    response = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )
    assert response.status_code == 201, response.text
    return case_id, str(response.json()["application_id"])


async def test_every_route_needs_a_token(benefits: Benefits) -> None:
    routes = protected_routes(benefits.app)
    assert set(routes) == set(MATRIX), "a route was added or removed: give it a row in MATRIX"
    bodies = {route: MATRIX[route][1] for route in routes}
    await assert_each_wants_a_token(benefits.http, routes, values={"agency": "bank"}, bodies=bodies)


async def test_each_caller_reaches_exactly_its_routes(benefits: Benefits) -> None:
    callers = caller_headers(benefits.issuer, agency=Agency.BANK.value)
    for (method, path), (allowed, payload) in MATRIX.items():
        case_id, application_id = await submitted(benefits)
        values = {"application_id": application_id, "agency": Agency.BANK.value}
        sent = loan_request(case_id) if payload == {} else payload
        for caller in sorted(CALLERS, key=lambda name: name in allowed):
            response = await benefits.http.request(
                method, concrete(path, values), json=sent, headers=callers[caller]
            )
            if caller in allowed:
                assert response.status_code not in (401, 403), (method, path, caller, response.text)
            else:
                assert response.status_code == 403, (method, path, caller, response.text)


async def test_an_assistant_reaches_only_their_communitys_cases(benefits: Benefits) -> None:
    case_id, application_id = await submitted(benefits)
    elsewhere = benefits.assistant("community-elsewhere")
    url = f"/applications/{application_id}"
    refusals = [
        await benefits.http.get(url, headers=elsewhere),
        await benefits.http.post(f"{url}/withdrawal", json={"reason": "x"}, headers=elsewhere),
        await benefits.http.post(
            "/applications", json=loan_request(case_id, application_key="other"), headers=elsewhere
        ),
        await benefits.http.post("/applications", json=loan_request(case_id), headers=elsewhere),
    ]
    for refused in refusals:
        assert (refused.status_code, refused.json()["error"]) == (403, "case_out_of_reach"), refused.text
        assert refused.json()["details"] == {"case_id": case_id}
    assert body(await benefits.http.get("/applications", headers=elsewhere)) == []
    listed = await benefits.http.get("/applications", headers=benefits.assistant())
    assert [row["application_id"] for row in body(listed)] == [application_id]
    supervisor = benefits.issuer.staff_headers("supervisor")
    assert (await benefits.http.get(url, headers=supervisor)).status_code == 200
    street_supervisor = benefits.issuer.staff_headers("supervisor", street_code=HOME_STREET)
    assert body(await benefits.http.get(url, headers=street_supervisor), 403)["error"] == "case_out_of_reach"

    moved = CaseAssigned(
        case_id=case_id,
        assistant_id="assistant-9",
        previous_assistant_id="assistant-1",
        community_code="community-elsewhere",
        reason=AssignmentReason.REASSIGNED,
        assigned_at=benefits.clock.now,
    )
    assert await benefits.consume(moved.envelope(correlation_id=str(uuid7()))) == "applied"
    assert (await benefits.http.get(url, headers=elsewhere)).status_code == 200
    assert (await benefits.http.get(url, headers=benefits.assistant())).status_code == 403

    unknown = new_case()
    await benefits.consent(unknown, Agency.BANK, registered_in=None)
    not_registered = await benefits.http.post(
        "/applications", json=loan_request(unknown), headers=benefits.assistant()
    )
    assert body(not_registered, 403)["error"] == "case_out_of_reach"
    by_the_journey = await benefits.http.post(
        "/applications", json=loan_request(unknown), headers=benefits.issuer.service_headers()
    )
    assert by_the_journey.status_code == 201


async def test_agencies_stay_on_their_side(benefits: Benefits) -> None:
    _, application_id = await submitted(benefits)
    bank = benefits.issuer.agency(Agency.BANK)
    for method, path in (("GET", "/applications"), ("GET", f"/applications/{application_id}")):
        refused = await benefits.http.request(method, path, headers=bank)
        assert (refused.status_code, refused.json()["error"]) == (403, "staff_only")
    tax = benefits.issuer.agency(Agency.TAX)
    other = await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=tax)
    assert (other.status_code, other.json()["error"]) == (403, "agency_mismatch")


@pytest.mark.parametrize("flaw", FLAWS)
async def test_expired_forged_and_foreign_tokens_are_refused(benefits: Benefits, flaw: str) -> None:
    assistant = (scopes.BENEFITS_READ, scopes.BENEFITS_APPLY)
    claims = {"role": "labour_assistant", "community_code": "community-home"}
    good = benefits.issuer.headers(*assistant, **claims)
    assert (await benefits.http.get("/applications", headers=good)).status_code == 200
    refused = await benefits.http.get(
        "/applications", headers=bad_tokens(benefits.issuer, *assistant, **claims)[flaw]
    )
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_token"), refused.text
    assert flaw in refused.json()["message"]
