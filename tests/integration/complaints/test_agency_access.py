"""The agency side needs the agency's own token: no token, the wrong scope, another agency's token, a
forged token or the old role headers are all refused, and nothing changes; the right agency reads and
answers."""

from collections.abc import Mapping
from typing import Any

import httpx

from services.common import scopes
from tests.http_checks import body
from tests.integration.complaints.conftest import (
    ASSISTANT,
    FORGER,
    ISSUER,
    OFFICER,
    OutboxReader,
    agency,
    file_complaint,
)

INSPECTION = "labour_inspection"
WAITING = f"/agencies/{INSPECTION}/referrals"
ANSWER = {"finding": "upheld", "answer": "The employer paid the arrears"}


async def referred(api: httpx.AsyncClient, to: str = INSPECTION) -> dict[str, Any]:
    complaint = await file_complaint(api)
    url = f"/complaints/{complaint['complaint_id']}"
    await api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)
    referral = await api.post(f"{url}/referral", json={"agency": to, "note": "wage arrears"}, headers=OFFICER)
    assert referral.status_code == 200, referral.text
    return complaint


async def test_the_agency_side_refuses_every_caller_but_the_agency_itself(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaint = await referred(complaints_api)
    answer_url = f"{WAITING}/{complaint['complaint_id']}/answer"
    events = len(await outbox.all())
    service_client = ISSUER.headers(scopes.COMPLAINTS_REFERRALS, client_kind="service")
    refusals: list[tuple[Mapping[str, str], int, str]] = [
        ({}, 401, "missing_token"),
        ({"X-Reemploy-Role": "agency", "X-Reemploy-Agency": INSPECTION}, 401, "missing_token"),
        ({"authorization": "Bearer not-a-jwt"}, 401, "invalid_token"),
        (
            FORGER.headers(scopes.COMPLAINTS_REFERRALS, client_kind="agency", agency=INSPECTION),
            401,
            "invalid_token",
        ),
        (agency(INSPECTION, scopes.BENEFITS_READ, scopes.BENEFITS_DECIDE), 403, "insufficient_scope"),
        (OFFICER, 403, "insufficient_scope"),
        (agency("labour_arbitration"), 403, "agency_mismatch"),
        (service_client, 403, "agency_mismatch"),
    ]
    for headers, status, error in refusals:
        listed = await complaints_api.get(WAITING, headers=headers)
        answered = await complaints_api.post(answer_url, json=ANSWER, headers=headers)
        for refused in (listed, answered):
            assert (refused.status_code, refused.json()["error"]) == (status, error), (headers, refused.text)
    missing = await complaints_api.get(WAITING)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    mismatch = await complaints_api.get(WAITING, headers=agency("labour_arbitration"))
    assert body(mismatch, 403)["details"] == {"agency": INSPECTION}

    assert len(await outbox.all()) == events
    still = body(await complaints_api.get(f"/complaints/{complaint['complaint_id']}", headers=OFFICER))
    assert still["status"] == "referred"

    own = agency(INSPECTION)
    waiting = await complaints_api.get(WAITING, headers=own)
    assert [c["complaint_id"] for c in body(waiting)] == [complaint["complaint_id"]]
    answered = await complaints_api.post(answer_url, json=ANSWER, headers=own)
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "closed"
    assert body(await complaints_api.get(WAITING, headers=own)) == []


async def test_details_take_the_token_identity_and_headers_cannot_impersonate_an_agency(
    complaints_api: httpx.AsyncClient,
) -> None:
    complaint = await referred(complaints_api)
    other = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}"

    impersonating = await complaints_api.get(
        url, headers={"X-Reemploy-Role": "agency", "X-Reemploy-Agency": INSPECTION}
    )
    assert (impersonating.status_code, impersonating.json()["error"]) == (401, "missing_token")
    role_header = await complaints_api.get(url, headers={**ASSISTANT, "X-Reemploy-Role": "rights_officer"})
    assert (role_header.status_code, role_header.json()["error"]) == (403, "insufficient_scope")

    assert (await complaints_api.get(url, headers=agency(INSPECTION))).status_code == 200
    unscoped = await complaints_api.get(url, headers=agency(INSPECTION, scopes.BENEFITS_READ))
    assert (unscoped.status_code, unscoped.json()["error"]) == (403, "insufficient_scope")
    arbitration = await complaints_api.get(url, headers=agency("labour_arbitration"))
    assert (arbitration.status_code, arbitration.json()["error"]) == (403, "complaint_access_refused")
    never_referred = await complaints_api.get(
        f"/complaints/{other['complaint_id']}", headers=agency(INSPECTION)
    )
    assert never_referred.status_code == 403

    token_wins = {**agency("labour_arbitration"), "X-Reemploy-Role": "rights_officer"}
    assert (await complaints_api.get(url, headers=token_wins)).status_code == 403
    assert (await complaints_api.get("/complaints", headers=token_wins)).status_code == 403
    forged = FORGER.headers(scopes.COMPLAINTS_READ, role="rights_officer")
    assert (await complaints_api.get(url, headers=forged)).status_code == 401

    assert (await complaints_api.get(url, headers=OFFICER)).status_code == 200
