"""Who may call which complaints route: no token is 401 everywhere, each kind of caller is let through
exactly where the matrix says, objects of others stay out of reach, and bad tokens are refused."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.common import scopes
from tests.authz import (
    CALLERS,
    FLAWS,
    assert_each_wants_a_token,
    bad_tokens,
    caller_headers,
    concrete,
    protected_routes,
)
from tests.http_checks import body
from tests.integration.complaints.conftest import (
    ASSISTANT,
    ISSUER,
    OFFICER,
    WORKFLOW,
    agency,
    file_complaint,
    filing,
)

REFERRED_TO = "labour_inspection"
STATION = frozenset({"supervisor", "rights_officer"})
ESCALATION = {
    "kind": "escalation",
    "deadline_kind": "acknowledgement",
    "level": "supervisor",
    "due_at": "2026-12-10T00:00:00+08:00",
}
ATTACHMENT = {"file_name": "contract.jpg", "media_type": "image/jpeg", "size_bytes": 1000, "sha256": "b" * 64}

MATRIX: dict[tuple[str, str], tuple[frozenset[str], dict[str, Any] | None]] = {
    ("POST", "/complaints"): (frozenset({"labour_assistant", "supervisor", "rights_officer", "service"}), {}),
    ("GET", "/complaints"): (STATION, None),
    ("GET", "/complaints/{complaint_id}"): (STATION | {"agency"}, None),
    ("GET", "/complaints/{complaint_id}/progress"): (STATION | {"service"}, None),
    ("GET", "/complaints/{complaint_id}/deadlines"): (STATION, None),
    ("POST", "/complaints/{complaint_id}/deadline-extensions"): (
        frozenset({"supervisor"}),
        {"working_days": 2, "reason": "the employer asked for time"},
    ),
    ("POST", "/complaints/{complaint_id}/acknowledgement"): (STATION, {"officer_id": "officer-7"}),
    ("POST", "/complaints/{complaint_id}/referral"): (
        frozenset({"rights_officer"}),
        {"agency": REFERRED_TO, "note": "wage arrears"},
    ),
    ("POST", "/complaints/{complaint_id}/resolution"): (STATION, {"outcome": "upheld", "summary": "paid"}),
    ("POST", "/complaints/{complaint_id}/withdrawal"): (STATION, {"reason": "settled"}),
    ("POST", "/complaints/{complaint_id}/notes"): (STATION, {"author_id": "officer-7", "text": "called"}),
    ("POST", "/complaints/{complaint_id}/attachments"): (STATION, ATTACHMENT),
    ("POST", "/complaints/{complaint_id}/satisfaction"): (STATION, {"score": 4}),
    ("PUT", "/complaints/{complaint_id}/actions/{action_key}"): (frozenset({"service"}), ESCALATION),
    ("GET", "/agencies/{agency_name}/referrals"): (frozenset({"agency"}), None),
    ("POST", "/agencies/{agency_name}/referrals/{complaint_id}/answer"): (
        frozenset({"agency"}),
        {"finding": "not_competent", "answer": "not ours"},
    ),
}
"""Per route: the callers allowed, and a valid body (`{}` stands for a complaint filing)."""


async def referred_complaint(api: httpx.AsyncClient) -> str:
    complaint = await file_complaint(api)
    url = f"/complaints/{complaint['complaint_id']}"
    await api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)
    referral = await api.post(f"{url}/referral", json={"agency": REFERRED_TO, "note": "x"}, headers=OFFICER)
    assert referral.status_code == 200, referral.text
    return str(complaint["complaint_id"])


async def test_every_route_needs_a_token(complaints_app: FastAPI, complaints_api: httpx.AsyncClient) -> None:
    routes = protected_routes(complaints_app)
    assert set(routes) == set(MATRIX), "a route was added or removed: give it a row in MATRIX"
    await assert_each_wants_a_token(
        complaints_api, routes, bodies={route: MATRIX[route][1] for route in routes}
    )


async def test_each_caller_reaches_exactly_its_routes(complaints_api: httpx.AsyncClient) -> None:
    callers = caller_headers(ISSUER, agency=REFERRED_TO)
    for (method, path), (allowed, payload) in MATRIX.items():
        complaint_id = await referred_complaint(complaints_api)
        values = {"complaint_id": complaint_id, "agency_name": REFERRED_TO, "action_key": "matrix-1"}
        sent = filing() if payload == {} else payload
        for caller in sorted(CALLERS, key=lambda name: name in allowed):
            response = await complaints_api.request(
                method, concrete(path, values), json=sent, headers=callers[caller]
            )
            if caller in allowed:
                assert response.status_code not in (401, 403), (method, path, caller, response.text)
            else:
                assert response.status_code == 403, (method, path, caller, response.text)


async def test_objects_of_others_stay_out_of_reach(complaints_api: httpx.AsyncClient) -> None:
    complaint_id = await referred_complaint(complaints_api)
    url = f"/complaints/{complaint_id}"
    arbitration = agency("labour_arbitration")
    refusals = [
        (await complaints_api.get(url, headers=arbitration), "complaint_access_refused"),
        (await complaints_api.get(url, headers=ASSISTANT), "insufficient_scope"),
        (await complaints_api.get(url, headers=WORKFLOW), "complaint_access_refused"),
        (await complaints_api.get(f"{url}/progress", headers=agency(REFERRED_TO)), "insufficient_scope"),
        (
            await complaints_api.get(f"/agencies/{REFERRED_TO}/referrals", headers=arbitration),
            "agency_mismatch",
        ),
        (
            await complaints_api.post(
                f"/agencies/{REFERRED_TO}/referrals/{complaint_id}/answer",
                json={"finding": "upheld", "answer": "paid"},
                headers=arbitration,
            ),
            "agency_mismatch",
        ),
    ]
    for response, error in refusals:
        assert (response.status_code, response.json()["error"]) == (403, error), response.text
    waiting = await complaints_api.get("/agencies/labour_arbitration/referrals", headers=arbitration)
    assert body(waiting) == []
    assert body(await complaints_api.get(url, headers=OFFICER))["status"] == "referred"


@pytest.mark.parametrize("flaw", FLAWS)
async def test_expired_forged_and_foreign_tokens_are_refused(
    complaints_api: httpx.AsyncClient, flaw: str
) -> None:
    officer = (scopes.COMPLAINTS_READ, scopes.COMPLAINTS_WRITE)
    good = ISSUER.headers(*officer, role="rights_officer")
    assert (await complaints_api.get("/complaints", headers=good)).status_code == 200
    bad = bad_tokens(ISSUER, *officer, role="rights_officer")[flaw]
    refused = await complaints_api.get("/complaints", headers=bad)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_token"), refused.text
    assert flaw in refused.json()["message"]
