"""The token endpoint on SQLite and PostgreSQL: client credentials, staff passwords, RFC 6749 errors."""

import base64
import logging

import pytest
from sqlalchemy import select

from services.common.auth import InvalidToken
from services.common.db import create_engine
from services.common.logging import JsonFormatter
from services.identity.models import StaffUser
from tests.http_checks import body
from tests.integration.identity.conftest import ADMIN, STAFF_PASSWORD


async def test_an_agency_gets_a_token_by_basic_credentials_that_verifies(identity):
    client_id, secret = await identity.register_client("agency", ["benefits:decide"], agency_code="tax")
    response = await identity.token(auth=(client_id, secret), grant_type="client_credentials")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 900, "benefits:decide")
    principal = await identity.verifier().verify(body["access_token"])
    assert principal.subject == client_id
    assert (principal.client_kind, principal.agency, principal.role) == ("agency", "tax", None)
    assert principal.scopes == {"benefits:decide"}


async def test_a_provider_gets_a_token_by_form_credentials_and_a_narrower_scope(identity):
    client_id, secret = await identity.register_client(
        "service",
        ["cases:read", "cases:write"],
    )
    response = await identity.token(
        grant_type="client_credentials", client_id=client_id, client_secret=secret, scope="cases:read"
    )
    assert response.status_code == 200, response.text
    principal = await identity.verifier().verify(response.json()["access_token"])
    assert principal.scopes == {"cases:read"}
    assert principal.client_kind == "service"
    provider_id, provider_secret = await identity.register_client(
        "provider", ["training:provide"], provider_id="school-7"
    )
    token = await identity.token(auth=(provider_id, provider_secret), grant_type="client_credentials")
    assert (await identity.verifier().verify(body(token)["access_token"])).provider_id == "school-7"


async def test_a_scope_beyond_the_clients_is_invalid_scope(identity):
    client_id, secret = await identity.register_client("employer", ["vacancies:manage"], employer_id="e-1")
    response = await identity.token(
        auth=(client_id, secret), grant_type="client_credentials", scope="vacancies:manage cases:read"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert "cases:read" in response.json()["error_description"]


async def test_wrong_or_unknown_client_credentials_are_invalid_client(identity):
    client_id, _secret = await identity.register_client("agency", ["benefits:read"], agency_code="health")
    for auth in [(client_id, "wrong"), ("nobody", "wrong")]:
        response = await identity.token(auth=auth, grant_type="client_credentials")
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
        assert response.headers["www-authenticate"] == 'Basic realm="reemploy"'
    missing = await identity.token(grant_type="client_credentials")
    assert (missing.status_code, missing.json()["error"]) == (401, "invalid_client")


async def test_a_new_secret_replaces_the_old_one_and_a_deactivated_client_gets_nothing(identity):
    client_id, old = await identity.register_client("agency", ["benefits:read"], agency_code="bank")
    headers = await identity.admin_headers()
    renewed = await identity.http.post(f"/admin/clients/{client_id}/secret", headers=headers)
    assert renewed.status_code == 200
    new = renewed.json()["client_secret"]
    assert (await identity.token(auth=(client_id, old), grant_type="client_credentials")).status_code == 401
    assert (await identity.token(auth=(client_id, new), grant_type="client_credentials")).status_code == 200
    assert (
        body(await identity.http.post(f"/admin/clients/{client_id}/deactivation", headers=headers))["active"]
        is False
    )
    refused = await identity.token(auth=(client_id, new), grant_type="client_credentials")
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client")


async def test_a_labour_assistant_logs_in_and_the_token_says_where_they_serve(identity):
    username = await identity.register_staff("labour_assistant", community_code="ZS-01", street_code="ZS")
    response = await identity.login(username.upper(), STAFF_PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == 3600
    principal = await identity.verifier().verify(response.json()["access_token"])
    assert (principal.role, principal.community_code, principal.street_code) == (
        "labour_assistant",
        "ZS-01",
        "ZS",
    )
    assert "cases:write" in principal.scopes and "plans:approve" not in principal.scopes
    narrowed = await identity.login(username, STAFF_PASSWORD, scope="cases:read")
    assert body(narrowed)["scope"] == "cases:read"
    beyond = await identity.login(username, STAFF_PASSWORD, scope="plans:approve")
    assert body(beyond, 400)["error"] == "invalid_scope"


async def test_a_wrong_password_or_unknown_user_is_invalid_grant(identity):
    username = await identity.register_staff("rights_officer")
    for name, password in [(username, "wrong password!"), ("nobody-here", STAFF_PASSWORD)]:
        response = await identity.login(name, password)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"
    assert body(await identity.login(username, ""), 400)["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("form", "content_type", "error"),
    [
        ({"grant_type": "authorization_code", "code": "x"}, None, "unsupported_grant_type"),
        ({"scope": "cases:read"}, None, "invalid_request"),
        ("grant_type=password&grant_type=client_credentials", None, "invalid_request"),
        ('{"grant_type": "password"}', "application/json", "invalid_request"),
    ],
)
async def test_malformed_token_requests(identity, form, content_type, error):
    headers = {"content-type": content_type or "application/x-www-form-urlencoded"}
    if isinstance(form, dict):
        response = await identity.http.post("/oauth2/token", data=form)
    else:
        response = await identity.http.post("/oauth2/token", content=form, headers=headers)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]


async def test_client_authentication_by_two_methods_at_once_is_refused(identity):
    client_id, secret = await identity.register_client("agency", ["benefits:read"], agency_code="labour")
    response = await identity.token(
        auth=(client_id, secret), grant_type="client_credentials", client_id=client_id, client_secret=secret
    )
    assert body(response, 400)["error"] == "invalid_request"
    garbled = await identity.http.post(
        "/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    )
    assert (garbled.status_code, garbled.json()["error"]) == (401, "invalid_client")


async def test_jwks_and_discovery(identity):
    jwks = await identity.http.get("/.well-known/jwks.json")
    assert jwks.headers["cache-control"] == "public, max-age=0"
    [key] = body(jwks)["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "d" not in key
    discovery = body(await identity.http.get("/.well-known/openid-configuration"))
    assert discovery["issuer"] == "http://identity.test"
    assert discovery["jwks_uri"] == "http://identity.test/.well-known/jwks.json"
    assert discovery["token_endpoint"] == "http://identity.test/oauth2/token"
    assert set(discovery["grant_types_supported"]) == {"client_credentials", "password"}
    assert body(await identity.http.get("/.well-known/oauth-authorization-server")) == discovery


async def test_a_service_expecting_another_audience_refuses_the_token(identity):
    client_id, secret = await identity.register_client("agency", ["benefits:read"], agency_code="tax")
    token = body(await identity.token(auth=(client_id, secret), grant_type="client_credentials"))
    verifier = identity.verifier()
    verifier.audience = "another-system"
    with pytest.raises(InvalidToken, match="audience"):
        await verifier.verify(token["access_token"])


async def test_no_secret_password_or_token_reaches_the_logs(identity, caplog):
    caplog.set_level(logging.DEBUG)
    client_id, secret = await identity.register_client("agency", ["benefits:read"], agency_code="tax")
    username = await identity.register_staff("leading_group")
    issued = await identity.token(auth=(client_id, secret), grant_type="client_credentials")
    login = await identity.login(username, STAFF_PASSWORD)
    await identity.login(username, "a wrong password")
    await identity.login(*ADMIN)
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "token issued" in logged and "client registered" in logged
    for secret_value in [secret, STAFF_PASSWORD, "a wrong password", ADMIN[1], body(issued)["access_token"]]:
        assert secret_value not in logged
    assert body(login)["access_token"] not in logged


async def test_a_password_hashed_with_weaker_parameters_is_upgraded_at_login(
    identity_database_url, start_identity
):
    weak = {"identity_password_time_cost": 1, "identity_password_memory_kib": 8192}
    async with start_identity(**weak) as identity:
        username = await identity.register_staff("supervisor")
    engine = create_engine(identity_database_url)

    async def stored_hash() -> str:
        async with engine.connect() as connection:
            return str(
                await connection.scalar(select(StaffUser.password_hash).where(StaffUser.username == username))
            )

    assert "m=8192,t=1" in await stored_hash()
    async with start_identity() as identity:
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 200
        assert "m=65536,t=3" in await stored_hash()
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 200
    await engine.dispose()
