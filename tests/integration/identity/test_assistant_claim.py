"""A labour assistant's login names their assistant in intake, and their tokens carry it (SQLite and
PostgreSQL)."""

import jwt
import pytest

from tests.http_checks import body
from tests.integration.identity.conftest import STAFF_PASSWORD

ASSISTANT_ID = "019ac0b2-5f3e-7a41-9c2d-6b1e8f0a3d27"
ANOTHER_ASSISTANT_ID = "019ac0b2-6a00-7b52-8d3e-7c2f9a1b4e38"
ASSISTANT_FIELDS = {"community_code": "ZS-01", "street_code": "ZS"}


async def test_a_labour_assistants_token_carries_their_assistant_id(identity):
    username = await identity.register_staff(
        "labour_assistant", **ASSISTANT_FIELDS, assistant_id=ASSISTANT_ID.upper()
    )
    listed = await identity.http.get("/admin/staff", headers=await identity.admin_headers())
    assert [member["assistant_id"] for member in body(listed) if member["username"] == username] == [
        ASSISTANT_ID
    ]
    token = body(await identity.login(username, STAFF_PASSWORD))["access_token"]
    assert jwt.decode(token, options={"verify_signature": False})["assistant_id"] == ASSISTANT_ID
    principal = await identity.verifier().verify(token)
    assert (principal.role, principal.assistant_id) == ("labour_assistant", ASSISTANT_ID)


async def test_a_token_without_an_assistant_id_has_no_such_claim(identity):
    username = await identity.register_staff("labour_assistant", **ASSISTANT_FIELDS)
    token = body(await identity.login(username, STAFF_PASSWORD))["access_token"]
    assert "assistant_id" not in jwt.decode(token, options={"verify_signature": False})
    assert (await identity.verifier().verify(token)).assistant_id is None


@pytest.mark.parametrize(
    ("role", "fields"),
    [("supervisor", {"street_code": "ZS"}), ("rights_officer", {}), ("leading_group", {}), ("admin", {})],
)
async def test_an_assistant_id_is_refused_for_other_roles(identity, role, fields):
    headers = await identity.admin_headers()
    payload = {"username": "zhangwei", "display_name": "张伟", "role": role, "password": STAFF_PASSWORD}
    response = await identity.http.post(
        "/admin/staff", json=payload | fields | {"assistant_id": ASSISTANT_ID}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_failed"
    assert response.json()["errors"] == [
        {"field": "assistant_id", "reason": f"not allowed for the role {role}"}
    ]
    listed = await identity.http.get("/admin/staff", headers=headers)
    assert "zhangwei" not in [member["username"] for member in body(listed)]


async def test_a_malformed_assistant_id_names_the_field(identity):
    body = {
        "username": "lijuan",
        "display_name": "李娟",
        "role": "labour_assistant",
        "password": STAFF_PASSWORD,
        "assistant_id": "not-an-assistant",
    } | ASSISTANT_FIELDS
    response = await identity.http.post("/admin/staff", json=body, headers=await identity.admin_headers())
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["assistant_id"]


async def test_an_existing_login_is_pointed_at_another_assistant(identity):
    headers = await identity.admin_headers()
    username = await identity.register_staff(
        "labour_assistant", **ASSISTANT_FIELDS, assistant_id=ASSISTANT_ID
    )
    moved = await identity.http.put(
        f"/admin/staff/{username}/assistant", json={"assistant_id": ANOTHER_ASSISTANT_ID}, headers=headers
    )
    assert moved.status_code == 200 and moved.json()["assistant_id"] == ANOTHER_ASSISTANT_ID
    token = body(await identity.login(username, STAFF_PASSWORD))["access_token"]
    assert (await identity.verifier().verify(token)).assistant_id == ANOTHER_ASSISTANT_ID
    supervisor = await identity.register_staff("supervisor")
    refused = await identity.http.put(
        f"/admin/staff/{supervisor}/assistant", json={"assistant_id": ASSISTANT_ID}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "assistant_id", "reason": "not allowed for the role supervisor"}
    ]
    missing = await identity.http.put(
        "/admin/staff/nobody/assistant", json={"assistant_id": ASSISTANT_ID}, headers=headers
    )
    assert (missing.status_code, missing.json()["error"]) == (404, "staff_not_found")
    as_assistant = await identity.login(username, STAFF_PASSWORD)
    forbidden = await identity.http.put(
        f"/admin/staff/{username}/assistant",
        json={"assistant_id": ASSISTANT_ID},
        headers={"authorization": f"Bearer {body(as_assistant)['access_token']}"},
    )
    assert forbidden.status_code == 403
