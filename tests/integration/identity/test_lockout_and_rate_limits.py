"""Lockout after failed logins and rate limits on the token endpoint, on SQLite and PostgreSQL."""

import asyncio

from tests.http_checks import body
from tests.integration.identity.conftest import ADMIN, STAFF_PASSWORD


async def test_repeated_failures_lock_the_account_until_the_lock_runs_out(start_identity):
    async with start_identity(identity_lockout_threshold=3, identity_lockout_minutes=0.05) as identity:
        username = await identity.register_staff("rights_officer")
        for _ in range(3):
            assert body(await identity.login(username, "wrong password!"), 400)["error"] == "invalid_grant"
        locked = await identity.login(username, STAFF_PASSWORD)
        assert (locked.status_code, locked.json()["error"]) == (400, "invalid_grant")
        await asyncio.sleep(3.5)
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 200


async def test_a_success_starts_the_count_again(start_identity):
    async with start_identity(identity_lockout_threshold=3) as identity:
        username = await identity.register_staff("rights_officer")
        for _ in range(2):
            await identity.login(username, "wrong password!")
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 200
        for _ in range(2):
            await identity.login(username, "wrong password!")
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 200


async def test_concurrent_failures_lock_once_and_an_admin_unlocks(start_identity):
    async with start_identity(identity_lockout_threshold=3, identity_lockout_minutes=30) as identity:
        username = await identity.register_staff("leading_group")
        answers = await asyncio.gather(*(identity.login(username, f"wrong password {n}") for n in range(8)))
        assert {body(answer, 400)["error"] for answer in answers} == {"invalid_grant"}
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 400
        headers = await identity.admin_headers()
        [member] = [
            staff
            for staff in body(await identity.http.get("/admin/staff", headers=headers))
            if staff["username"] == username
        ]
        assert member["locked_until"] is not None
        assert member["failed_attempts"] == 0, "failures racing with the lock are not counted"
        unlocked = await identity.http.post(f"/admin/staff/{username}/unlock", headers=headers)
        assert body(unlocked)["locked_until"] is None
        assert (await identity.login(username, STAFF_PASSWORD)).status_code == 200


async def test_a_client_over_its_rate_gets_429_with_retry_after(start_identity):
    async with start_identity(identity_client_rate_per_minute=1, identity_client_burst=2) as identity:
        client_id, secret = await identity.register_client("agency", ["benefits:read"], agency_code="tax")
        other_id, other_secret = await identity.register_client(
            "agency", ["benefits:read"], agency_code="bank"
        )
        answers = [
            await identity.token(auth=(client_id, secret), grant_type="client_credentials") for _ in range(3)
        ]
        assert [answer.status_code for answer in answers] == [200, 200, 429]
        limited = answers[2]
        assert body(limited, 429)["error"] == "rate_limited"
        assert 55 <= int(limited.headers["retry-after"]) <= 60
        wrong_secret = await identity.token(auth=(client_id, "guess"), grant_type="client_credentials")
        assert wrong_secret.status_code == 429, "guessing a client's secret counts against it too"
        assert (
            await identity.token(auth=(other_id, other_secret), grant_type="client_credentials")
        ).status_code == 200


async def test_one_address_over_its_rate_gets_429_whatever_client_it_names(start_identity):
    async with start_identity(identity_address_rate_per_minute=2, identity_address_burst=4) as identity:
        await identity.admin_headers()
        answers = [
            await identity.token(auth=(f"made-up-{n}", "x"), grant_type="client_credentials")
            for n in range(4)
        ]
        assert [answer.status_code for answer in answers] == [401, 401, 401, 429]
        assert 1 <= int(answers[3].headers["retry-after"]) <= 30
        assert (await identity.login(*ADMIN)).status_code == 429
