"""The platform's own processes as `service` clients: registered from settings, calling as themselves."""

from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI

from services.common import scopes
from services.common.auth import Principal, require
from services.common.client_credentials import ClientCredentials, TokenRequestRefused
from services.common.errors import install_error_handlers
from services.identity.domain import CLIENT_SCOPES, ClientKind
from services.identity.models import Client
from tests.integration.identity.conftest import ISSUER, IdentityClient

WORKER = "temporal-worker"
WRITER = require(scopes.CASES_WRITE)
SECRET = "a-worker-secret-from-the-deployment"


def protected_service(identity: IdentityClient) -> FastAPI:
    """A service that wants `cases:write` and reports who called."""
    app = FastAPI()
    install_error_handlers(app)
    app.state.token_verifier = identity.verifier()

    @app.get("/whoami")
    async def whoami(caller: Annotated[Principal, Depends(WRITER)]) -> dict[str, str | None]:
        return {"subject": caller.subject, "client_kind": caller.client_kind}

    return app


def credentials(identity: IdentityClient, secret: str = SECRET) -> ClientCredentials:
    return ClientCredentials(
        f"{ISSUER}/oauth2/token", WORKER, secret, transport=httpx.ASGITransport(app=identity.app)
    )


async def call(identity: IdentityClient, auth: httpx.Auth, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=protected_service(identity))
    async with httpx.AsyncClient(transport=transport, base_url="http://service", auth=auth) as http:
        return await http.get("/whoami", headers=headers)


async def test_a_service_client_from_settings_calls_another_service_as_itself(start_identity):
    async with start_identity(identity_service_clients={WORKER: SECRET}) as identity:
        response = await call(identity, credentials(identity))
    assert response.status_code == 200, response.text
    assert response.json() == {"subject": WORKER, "client_kind": "service"}


async def test_the_token_is_kept_until_it_is_due_and_fetched_again_when_refused(start_identity):
    async with start_identity(identity_service_clients={WORKER: SECRET}) as identity:
        auth = credentials(identity)
        first = await auth.token()
        assert await auth.token() == first
        renewed = await auth.token(refresh_from=first)
        assert renewed != first
        assert (await call(identity, auth)).status_code == 200


async def test_a_changed_secret_in_settings_replaces_the_old_one_on_restart(start_identity):
    async with start_identity(identity_service_clients={WORKER: SECRET}) as identity:
        assert (await call(identity, credentials(identity))).status_code == 200
    async with start_identity(identity_service_clients={WORKER: "the-rotated-worker-secret"}) as identity:
        with pytest.raises(TokenRequestRefused):
            await credentials(identity).token()
        assert (await call(identity, credentials(identity, "the-rotated-worker-secret"))).status_code == 200


async def test_a_request_carrying_someone_elses_token_is_sent_as_it_is(start_identity):
    async with start_identity(identity_service_clients={WORKER: SECRET}) as identity:
        response = await call(identity, credentials(identity), authorization="Bearer not-a-token")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


async def test_a_service_client_name_taken_by_another_kind_stops_the_start(start_identity, identity):
    client_id, _ = await identity.register_client("agency", [scopes.BENEFITS_DECIDE], agency_code="tax")
    with pytest.raises(RuntimeError, match="taken by a agency"):
        async with start_identity(identity_service_clients={client_id: SECRET}):
            pass


async def test_a_service_client_gets_the_scopes_a_release_added_on_the_next_start(start_identity):
    async with (
        start_identity(identity_service_clients={WORKER: SECRET}) as identity,
        identity.app.state.identity.sessions.begin() as session,
    ):
        client = await session.get(Client, WORKER)
        client.scopes = [scopes.CASES_READ]
    async with start_identity(identity_service_clients={WORKER: SECRET}) as identity:
        token = await credentials(identity).token()
        granted = (await identity.verifier().verify(token)).scopes
    assert granted == CLIENT_SCOPES[ClientKind.SERVICE]
