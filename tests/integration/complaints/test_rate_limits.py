"""Agencies' systems are rate limited per client on the agency side (and when reading details): the call
past the burst is 429 `rate_limited` with `Retry-After`, while another agency's client, and staff, go on."""

import httpx

from deploy.dev import components
from services.common import scopes
from services.common.settings import ServiceSettings
from services.complaints.app import create_app
from tests.integration.complaints.conftest import ISSUER, OFFICER, agency, file_complaint

BURST = 3


async def test_the_call_past_the_burst_is_429_and_other_clients_are_not_affected(
    complaints_database_url: str,
) -> None:
    settings = ServiceSettings(
        database_url=complaints_database_url,
        temporal_address=f"127.0.0.1:{components.free_port()}",
        agency_rate_per_minute=1,
        agency_burst=BURST,
    )
    app = create_app(settings, token_verifier=ISSUER.verifier())
    inspection = agency("labour_inspection")
    arbitration = ISSUER.headers(
        scopes.COMPLAINTS_REFERRALS,
        sub="arbitration-system",
        client_kind="agency",
        agency="labour_arbitration",
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://complaints") as http:
            complaint = await file_complaint(http)
            url = f"/complaints/{complaint['complaint_id']}"
            waiting = "/agencies/labour_inspection/referrals"
            within = [await http.get(waiting, headers=inspection) for _ in range(BURST)]
            past = [
                await http.get(waiting, headers=inspection),
                await http.get(url, headers=inspection),
            ]
            others = [
                await http.get("/agencies/labour_arbitration/referrals", headers=arbitration),
                await http.get(url, headers=OFFICER),
                await http.get(url, headers=OFFICER),
            ]

    assert [response.status_code for response in within] == [200] * BURST
    for refused in past:
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert [response.status_code for response in others] == [200, 200, 200]
