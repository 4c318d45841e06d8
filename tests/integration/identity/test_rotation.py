"""Signing-key rotation on SQLite and PostgreSQL: tokens keep verifying across it; keys are sealed at rest."""

import asyncio

import jwt
import pytest
from sqlalchemy import select

from services.common.db import create_engine
from services.identity.models import SigningKey
from tests.http_checks import body


async def client_token(identity, credentials) -> str:
    response = await identity.token(auth=credentials, grant_type="client_credentials")
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def kid_of(token: str) -> str:
    kid: str = jwt.get_unverified_header(token)["kid"]
    return kid


async def published_kids(identity) -> list[str]:
    return [key["kid"] for key in body(await identity.http.get("/.well-known/jwks.json"))["keys"]]


async def retired_key_unpublished(identity, kid: str, bound_seconds: float = 60.0) -> bool:
    """Wait, following the published set, until `kid` has left it (or the bound has passed)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_seconds
    while kid in await published_kids(identity):
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


async def test_a_rotation_keeps_old_tokens_verifying_and_new_ones_use_the_next_key(start_identity):
    async with start_identity(
        identity_client_token_minutes=0.05, identity_staff_token_minutes=0.05, identity_token_leeway_seconds=0
    ) as identity:
        credentials = await identity.register_client("agency", ["benefits:read"], agency_code="tax")
        verifier = identity.verifier(refetch_floor_seconds=0)
        old_token = await client_token(identity, credentials)
        old_kid = kid_of(old_token)
        await verifier.verify(old_token)

        # Tokens live three seconds here, so each admin call logs in afresh: a busy machine may be slow.
        prepared = await identity.http.post(
            "/admin/signing-keys", json={}, headers=await identity.admin_headers()
        )
        assert prepared.status_code == 201, prepared.text
        next_kid = prepared.json()["kid"]
        assert prepared.json()["status"] == "next" and prepared.json()["published"] is True
        assert await published_kids(identity) == [old_kid, next_kid]
        assert kid_of(await client_token(identity, credentials)) == old_kid, "a next key does not sign yet"

        activated = await identity.http.post(
            f"/admin/signing-keys/{next_kid}/activation", headers=await identity.admin_headers()
        )
        assert activated.status_code == 200, activated.text
        assert activated.json()["status"] == "active"
        new_token = await client_token(identity, credentials)
        assert kid_of(new_token) == next_kid
        assert (await verifier.verify(old_token)).agency == "tax", "the retired key still verifies"
        assert (await verifier.verify(new_token)).agency == "tax"
        listed = await identity.http.get("/admin/signing-keys", headers=await identity.admin_headers())
        statuses = {key["kid"]: (key["status"], key["published"]) for key in body(listed)}
        assert statuses == {old_kid: ("retired", True), next_kid: ("active", True)}

        assert await retired_key_unpublished(identity, old_kid), "the retired key goes when its tokens expire"
        assert await published_kids(identity) == [next_kid]


async def test_a_next_key_signs_only_after_it_was_published_long_enough(start_identity):
    async with start_identity(identity_key_publication_seconds=600) as identity:
        headers = await identity.admin_headers()
        next_kid = body(await identity.http.post("/admin/signing-keys", json={}, headers=headers), 201)["kid"]
        early = await identity.http.post(f"/admin/signing-keys/{next_kid}/activation", headers=headers)
        assert early.status_code == 409
        assert early.json()["error"] == "key_not_published_long_enough"
        assert 590 <= int(early.json()["details"]["retry_after_seconds"]) <= 601


async def test_refused_key_moves(identity):
    headers = await identity.admin_headers()
    [active] = body(await identity.http.get("/admin/signing-keys", headers=headers))
    again = await identity.http.post(f"/admin/signing-keys/{active['kid']}/activation", headers=headers)
    assert (again.status_code, again.json()["error"]) == (409, "key_transition_refused")
    missing = await identity.http.post("/admin/signing-keys/nope/activation", headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (404, "key_not_found")
    bad = await identity.http.post("/admin/signing-keys", json={"algorithm": "HS256"}, headers=headers)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "algorithm")


async def test_concurrent_rotations_make_one_next_key_and_activate_it_once(identity):
    headers = await identity.admin_headers()
    prepared = await asyncio.gather(
        *(identity.http.post("/admin/signing-keys", json={}, headers=headers) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in prepared) == [201, 409, 409, 409]
    assert {answer.json()["error"] for answer in prepared if answer.status_code == 409} == {"next_key_exists"}
    [next_kid] = [answer.json()["kid"] for answer in prepared if answer.status_code == 201]
    activated = await asyncio.gather(
        *(identity.http.post(f"/admin/signing-keys/{next_kid}/activation", headers=headers) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in activated) == [200, 409, 409, 409]
    keys = body(await identity.http.get("/admin/signing-keys", headers=headers))
    assert sorted(key["status"] for key in keys) == ["active", "retired"]


@pytest.mark.parametrize("algorithm", ["ES256", "RS256"])
async def test_every_algorithm_signs_tokens_that_verify(identity, algorithm):
    headers = await identity.admin_headers()
    credentials = await identity.register_client("provider", ["training:provide"], provider_id="school-1")
    kid = body(
        await identity.http.post("/admin/signing-keys", json={"algorithm": algorithm}, headers=headers), 201
    )["kid"]
    assert (
        await identity.http.post(f"/admin/signing-keys/{kid}/activation", headers=headers)
    ).status_code == 200
    token = await client_token(identity, credentials)
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert (await identity.verifier().verify(token)).provider_id == "school-1"


async def test_private_keys_are_sealed_at_rest_and_survive_a_restart(identity_database_url, start_identity):
    async with start_identity() as identity:
        credentials = await identity.register_client("agency", ["benefits:read"], agency_code="tax")
        first = await client_token(identity, credentials)
    engine = create_engine(identity_database_url)
    async with engine.connect() as connection:
        sealed = list(await connection.scalars(select(SigningKey.private_key_sealed)))
    await engine.dispose()
    assert len(sealed) == 1 and "PRIVATE KEY" not in sealed[0]
    async with start_identity() as identity:
        second = await client_token(identity, credentials)
        assert kid_of(second) == kid_of(first), "the restarted service signs with the same key"
        await identity.verifier().verify(first)
    with pytest.raises(RuntimeError, match="REEMPLOY_SECRET_KEY differs"):
        async with start_identity(secret_key="another secret entirely"):
            pass
