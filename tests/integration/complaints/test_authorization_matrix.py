"""Who may call which complaints route: no token is 401 everywhere, each kind of caller is let through
exactly where the matrix says, objects of others stay out of reach, and bad tokens are refused."""

import time
from typing import Any

import httpx
import jwt
from fastapi import FastAPI

from contracts.ids import uuid7
from services.common import scopes
from tests.authz import CALLERS, caller_headers, concrete, protected_routes
from tests.integration.complaints.conftest import (
    ASSISTANT,
    FORGER,
    ISSUER,
    OFFICER,
    WORKFLOW,
    agency,
    file_complaint,
    filing,
)
from tests.tokens import AUDIENCE

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
    for method, path in routes:
        body = MATRIX[(method, path)][1]
        response = await complaints_api.request(method, concrete(path), json=body)
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"] == "missing_token"
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_each_caller_reaches_exactly_its_routes(complaints_api: httpx.AsyncClient) -> None:
    callers = caller_headers(ISSUER, agency=REFERRED_TO)
    for (method, path), (allowed, body) in MATRIX.items():
        complaint_id = await referred_complaint(complaints_api)
        values = {"complaint_id": complaint_id, "agency_name": REFERRED_TO, "action_key": "matrix-1"}
        sent = filing() if body == {} else body
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
    assert waiting.json() == []
    assert (await complaints_api.get(url, headers=OFFICER)).json()["status"] == "referred"


def signed(**overrides: Any) -> dict[str, str]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER.issuer,
        "sub": "staff-rights_officer",
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "jti": str(uuid7()),
        "scope": f"{scopes.COMPLAINTS_READ} {scopes.COMPLAINTS_WRITE}",
        "role": "rights_officer",
    } | overrides
    token = jwt.encode(claims, ISSUER.key, algorithm="EdDSA", headers={"kid": "test"})
    return {"authorization": f"Bearer {token}"}


async def test_expired_forged_and_foreign_tokens_are_refused(complaints_api: httpx.AsyncClient) -> None:
    now = int(time.time())
    assert (await complaints_api.get("/complaints", headers=signed())).status_code == 200
    for headers in (
        signed(iat=now - 1200, exp=now - 600),
        signed(aud="another-audience"),
        signed(iss="https://elsewhere.test"),
        FORGER.staff_headers("rights_officer"),
        {"authorization": "Bearer not-a-token"},
    ):
        refused = await complaints_api.get("/complaints", headers=headers)
        assert (refused.status_code, refused.json()["error"]) == (401, "invalid_token"), refused.text
