"""Admin endpoints on SQLite and PostgreSQL: only identity:admin reaches them; bad input and races."""

import asyncio

import pytest

from tests.http_checks import body
from tests.integration.identity.conftest import STAFF_PASSWORD


async def bearer(identity, username: str) -> dict[str, str]:
    response = await identity.login(username, STAFF_PASSWORD)
    assert response.status_code == 200, response.text
    return {"authorization": f"Bearer {response.json()['access_token']}"}


async def test_admin_endpoints_need_an_identity_admin_token(identity):
    missing = await identity.http.get("/admin/clients")
    assert missing.status_code == 401
    assert missing.json()["error"] == "missing_token"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    forged = await identity.http.get("/admin/clients", headers={"authorization": "Bearer e30.e30.c2ln"})
    assert (forged.status_code, forged.json()["error"]) == (401, "invalid_token")
    supervisor = await identity.register_staff("supervisor", street_code="ZS")
    refused = await identity.http.get("/admin/staff", headers=await bearer(identity, supervisor))
    assert refused.status_code == 403
    assert refused.json()["error"] == "insufficient_scope"
    assert 'scope="identity:admin"' in refused.headers["www-authenticate"]
    client_id, secret = await identity.register_client("service", ["cases:read"])
    service_token = body(await identity.token(auth=(client_id, secret), grant_type="client_credentials"))
    as_service = await identity.http.get(
        "/admin/clients", headers={"authorization": f"Bearer {service_token['access_token']}"}
    )
    assert as_service.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "agency", "scopes": ["benefits:decide"]}, "agency_code"),
        ({"kind": "agency", "agency_code": "tax", "scopes": ["training:provide"]}, "scopes"),
        (
            {"kind": "employer", "employer_id": "e-1", "agency_code": "tax", "scopes": ["vacancies:manage"]},
            "agency_code",
        ),
        ({"kind": "provider", "provider_id": "p-1", "scopes": ["no:such"]}, "scopes"),
        ({"kind": "robot", "scopes": ["cases:read"]}, "kind"),
        ({"kind": "service", "scopes": []}, "scopes"),
    ],
)
async def test_a_bad_client_registration_names_the_field_and_writes_nothing(identity, change, field):
    headers = await identity.admin_headers()
    response = await identity.http.post(
        "/admin/clients", json={"client_id": "some-client", "name": "Some client"} | change, headers=headers
    )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert body(await identity.http.get("/admin/clients", headers=headers)) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "labour_assistant"}, "community_code"),
        ({"role": "leading_group", "street_code": "ZS"}, "street_code"),
        ({"role": "admin", "password": "short"}, "password"),
        ({"role": "admin", "password": "i am wanghong, ok"}, "password"),
        ({"role": "janitor"}, "role"),
        ({"role": "admin", "username": "Bad Name!"}, "username"),
    ],
)
async def test_a_bad_staff_registration_names_the_field(identity, change, field):
    base = {"username": "wanghong", "display_name": "王红", "password": STAFF_PASSWORD}
    response = await identity.http.post(
        "/admin/staff", json=base | change, headers=await identity.admin_headers()
    )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_staff_listing_shows_the_role_scopes_and_never_the_hash(identity):
    username = await identity.register_staff("leading_group")
    listing = body(await identity.http.get("/admin/staff", headers=await identity.admin_headers()))
    [member] = [staff for staff in listing if staff["username"] == username]
    assert member["scopes"] == ["dashboard:read", "targets:manage", "targets:read"]
    assert "password_hash" not in member and "password" not in member


async def test_concurrent_registrations_of_one_username_or_client_id_give_one_201(identity):
    headers = await identity.admin_headers()
    staff = {"username": "zhanghua", "display_name": "张华", "role": "admin", "password": STAFF_PASSWORD}
    staff_answers = await asyncio.gather(
        *(identity.http.post("/admin/staff", json=staff, headers=headers) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in staff_answers) == [201, 409, 409, 409]
    upper = staff | {"username": "ZhangHua"}
    assert (
        body(await identity.http.post("/admin/staff", json=upper, headers=headers), 409)["error"]
        == "username_taken"
    )
    client = {
        "client_id": "tax-bureau",
        "name": "Tax",
        "kind": "agency",
        "agency_code": "tax",
        "scopes": ["benefits:decide"],
    }
    client_answers = await asyncio.gather(
        *(identity.http.post("/admin/clients", json=client, headers=headers) for _ in range(4))
    )
    assert sorted(answer.status_code for answer in client_answers) == [201, 409, 409, 409]
    assert [c["client_id"] for c in body(await identity.http.get("/admin/clients", headers=headers))] == [
        "tax-bureau"
    ]


async def test_unknown_things_are_404(identity):
    headers = await identity.admin_headers()
    assert (
        body(await identity.http.get("/admin/clients/nobody", headers=headers), 404)["error"]
        == "client_not_found"
    )
    unlock = await identity.http.post("/admin/staff/nobody/unlock", headers=headers)
    assert (unlock.status_code, unlock.json()["error"]) == (404, "staff_not_found")
