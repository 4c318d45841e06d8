"""Identity's authorization matrix: the token endpoint and key discovery are open, administration is the
administrator's alone, and a token identity did not sign, or signed for someone else, opens nothing."""

import httpx
import pytest

from tests.authz import (
    CALLERS,
    FLAWS,
    OPEN_PATHS,
    assert_each_wants_a_token,
    bad_tokens,
    caller_headers,
    concrete,
    protected_routes,
)
from tests.http_checks import body
from tests.integration.identity.conftest import IdentityClient
from tests.tokens import TestIssuer

OPEN_ROUTES = {
    ("POST", "/oauth2/token"),
    ("GET", "/.well-known/jwks.json"),
    ("GET", "/.well-known/openid-configuration"),
    ("GET", "/.well-known/oauth-authorization-server"),
}
ADMINISTRATORS = {"admin"}


@pytest.fixture
def issuer(identity: IdentityClient) -> TestIssuer:
    """Identity verifies this test issuer's tokens here, so every kind of caller can be tried."""
    test_issuer = TestIssuer()
    identity.app.state.token_verifier = test_issuer.verifier()
    return test_issuer


def administration(identity: IdentityClient) -> list[tuple[str, str]]:
    return [route for route in protected_routes(identity.app) if route not in OPEN_ROUTES]


async def test_every_administration_route_refuses_a_caller_without_a_token(identity: IdentityClient) -> None:
    routes = administration(identity)
    assert len(routes) >= 10
    await assert_each_wants_a_token(identity.http, routes)


async def test_the_open_routes_are_exactly_the_token_endpoint_and_key_discovery(
    identity: IdentityClient,
) -> None:
    open_routes = {route for route in protected_routes(identity.app) if route in OPEN_ROUTES}
    assert open_routes == OPEN_ROUTES
    for method, path in OPEN_ROUTES - {("POST", "/oauth2/token")}:
        assert (await identity.http.request(method, path)).status_code == 200
    assert not OPEN_PATHS & {path for _, path in OPEN_ROUTES}


@pytest.mark.parametrize("caller", CALLERS)
async def test_only_the_administrator_administers(
    identity: IdentityClient, issuer: TestIssuer, caller: str
) -> None:
    headers = caller_headers(issuer)[caller]
    for method, path in administration(identity):
        if method != "GET":
            continue
        response = await identity.http.request(
            method, concrete(path, {"client_id": "nobody"}), headers=headers
        )
        if caller in ADMINISTRATORS:
            assert response.status_code not in (401, 403), (caller, method, path, response.text)
        else:
            assert response.status_code == 403, (caller, method, path, response.text)
            assert response.json()["error"] == "insufficient_scope"


@pytest.mark.parametrize("flaw", FLAWS)
async def test_forged_expired_and_misaddressed_tokens_open_nothing(
    identity: IdentityClient, issuer: TestIssuer, flaw: str
) -> None:
    administrator = bad_tokens(issuer, "identity:admin", role="admin")[flaw]
    response = await identity.http.get("/admin/clients", headers=administrator)
    assert response.status_code == 401, (flaw, response.text)
    assert response.json()["error"] == "invalid_token"
    assert flaw in response.json()["message"]


async def test_a_staff_login_cannot_reach_administration_through_the_real_token_endpoint(
    identity: IdentityClient,
) -> None:
    username = await identity.register_staff("supervisor")
    login = await identity.login(username, "correct horse battery staple")
    token = body(login)["access_token"]
    transport = httpx.ASGITransport(app=identity.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://identity.test") as http:
        response = await http.get("/admin/clients", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 403
