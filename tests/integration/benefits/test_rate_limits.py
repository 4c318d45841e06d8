"""Agencies' systems are rate limited per client: the call past the burst is 429 `rate_limited` with
`Retry-After`, while another client, and staff, go on as before."""

import httpx

from contracts.events.intake import Agency
from services.benefits.app import create_app
from services.common import scopes
from services.common.settings import ServiceSettings
from tests.integration.benefits.conftest import BenefitsIssuer

BURST = 3


async def test_the_call_past_the_burst_is_429_and_other_clients_are_not_affected(
    benefits_database_url: str,
) -> None:
    issuer = BenefitsIssuer()
    settings = ServiceSettings(
        database_url=benefits_database_url, agency_rate_per_minute=1, agency_burst=BURST
    )
    app = create_app(settings, token_verifier=issuer.verifier(), background=False)
    bank = issuer.agency(Agency.BANK)
    other_bank_system = issuer.headers(
        scopes.BENEFITS_READ, sub="bank-backup-system", client_kind="agency", agency="bank"
    )
    tax = issuer.headers(scopes.BENEFITS_READ, sub="tax-system", client_kind="agency", agency="tax")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://benefits") as http:
            within = [await http.get("/agencies/bank/applications", headers=bank) for _ in range(BURST)]
            past = await http.get("/agencies/bank/applications", headers=bank)
            decision = await http.post(
                "/agencies/bank/applications/x/decision", json={"decision": "approved"}, headers=bank
            )
            others = [
                await http.get("/agencies/bank/applications", headers=other_bank_system),
                await http.get("/agencies/tax/applications", headers=tax),
                await http.get("/applications", headers=issuer.assistant()),
            ]
            unauthenticated = await http.get("/agencies/bank/applications")

    assert [response.status_code for response in within] == [200] * BURST
    for refused in (past, decision):
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["details"]["retry_after_seconds"] == refused.headers["retry-after"]
    assert [response.status_code for response in others] == [200, 200, 200]
    assert unauthenticated.status_code == 401
