"""The identity service on a real port; tokens verified by `TokenVerifier` through the real JWKS URL."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import jwt
import pytest
import pytest_asyncio
import uvicorn

from deploy.dev.components import free_port
from services.common.auth import InvalidToken, TokenVerifier
from services.identity.app import create_app
from services.identity.settings import IdentitySettings
from tests.http_checks import body
from tests.integration.identity.conftest import ADMIN


class _Server(uvicorn.Server):
    """Signals stay with the test process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest_asyncio.fixture
async def served(identity_database_url: str) -> AsyncIterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = IdentitySettings(
        database_url=identity_database_url,
        auth_issuer=base,
        auth_jwks_url=f"{base}/.well-known/jwks.json",
        identity_key_publication_seconds=0,
        identity_jwks_max_age_seconds=0,
    )
    server = _Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.05)
    assert server.started
    yield base
    server.should_exit = True
    await serving


async def test_tokens_verify_through_the_real_jwks_url_across_a_rotation(served):
    async with httpx.AsyncClient(base_url=served) as http:
        discovery = body(await http.get("/.well-known/openid-configuration"))
        assert discovery["jwks_uri"] == f"{served}/.well-known/jwks.json"
        login = await http.post(
            "/oauth2/token", data={"grant_type": "password", "username": ADMIN[0], "password": ADMIN[1]}
        )
        headers = {"authorization": f"Bearer {body(login)['access_token']}"}
        registration = {
            "client_id": "health-bureau",
            "name": "Health bureau",
            "kind": "agency",
            "agency_code": "health",
            "scopes": ["benefits:decide"],
        }
        secret = body(await http.post("/admin/clients", json=registration, headers=headers), 201)[
            "client_secret"
        ]

        async def client_token() -> str:
            response = await http.post(
                "/oauth2/token", data={"grant_type": "client_credentials"}, auth=("health-bureau", secret)
            )
            assert response.status_code == 200, response.text
            token: str = response.json()["access_token"]
            return token

        verifier = TokenVerifier(
            discovery["issuer"], "reemploy", discovery["jwks_uri"], refetch_floor_seconds=0
        )
        before = await client_token()
        principal = await verifier.verify(before)
        assert (principal.subject, principal.agency, principal.scopes) == (
            "health-bureau",
            "health",
            {"benefits:decide"},
        )
        assert (await verifier.verify(login.json()["access_token"])).role == "admin"

        kid = body(await http.post("/admin/signing-keys", json={"algorithm": "ES256"}, headers=headers), 201)[
            "kid"
        ]
        assert (await http.post(f"/admin/signing-keys/{kid}/activation", headers=headers)).status_code == 200
        after = await client_token()
        assert jwt.get_unverified_header(after)["kid"] == kid
        assert (await verifier.verify(after)).agency == "health", "the new kid is fetched from the real JWKS"
        assert (await verifier.verify(before)).agency == "health", "the retired key still verifies"

        elsewhere = TokenVerifier("http://another-issuer.test", "reemploy", discovery["jwks_uri"])
        with pytest.raises(InvalidToken, match="another issuer"):
            await elsewhere.verify(after)
