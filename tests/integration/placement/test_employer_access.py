"""Employer routes need an employer client's token naming the path's employer, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select

from services.common import scopes
from services.placement.models import Hire, Vacancy
from tests.http_checks import body
from tests.integration.placement.builders import (
    HIRE_TERMS,
    ISSUER,
    as_employer,
    posted_vacancy,
    registered,
    vacancy_body,
    verified_employer,
)

CASE = "0193a000-0000-7000-8000-0000000acc01"


async def count(engine, model) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(model))


async def referred(api, feed, employer_id: str) -> str:
    """A referral of a registered worker to a vacancy of `employer_id`: its id."""
    await feed.event(registered(CASE))
    vacancy_id = await posted_vacancy(api, employer_id)
    made = await api.post("/referrals", json={"case_id": CASE, "vacancy_id": vacancy_id})
    assert made.status_code == 201, made.text
    referral_id: str = made.json()["referral_id"]
    return referral_id


async def test_posting_a_vacancy_needs_a_token_with_the_scope_naming_this_employer(
    placement_api, anonymous_api, placement_engine
):
    api = placement_api
    owner, rival = await verified_employer(api), await verified_employer(api)
    path = f"/employers/{owner}/vacancies"

    anonymous = await anonymous_api.post(path, json=vacancy_body())
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "missing_token"
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    forged = await api.post(path, json=vacancy_body(), headers={"authorization": "Bearer not-a-jwt"})
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_token"
    unscoped = await api.post(path, json=vacancy_body(), headers=as_employer(owner, scopes.PLACEMENT_READ))
    assert unscoped.status_code == 403 and unscoped.json()["error"] == "insufficient_scope"
    staff = ISSUER.headers(scopes.VACANCIES_MANAGE, role="labour_assistant")
    assert body(await api.post(path, json=vacancy_body(), headers=staff), 403)["error"] == "employer_mismatch"
    attack = await api.post(path, json=vacancy_body(), headers=as_employer(rival))
    assert attack.status_code == 403
    assert attack.json()["error"] == "employer_mismatch"
    assert attack.json()["details"] == {"employer_id": owner}
    assert await count(placement_engine, Vacancy) == 0

    own = await api.post(path, json=vacancy_body(), headers=as_employer(owner))
    assert own.status_code == 201 and own.json()["employer_id"] == owner
    assert await count(placement_engine, Vacancy) == 1


async def test_no_token_is_refused_before_the_body_is_read(placement_api, anonymous_api):
    employer_id = await verified_employer(placement_api)
    refused = await anonymous_api.post(f"/employers/{employer_id}/vacancies", json={"title": ""})
    assert refused.status_code == 401


async def test_another_employers_token_cannot_close_its_vacancy(placement_api, anonymous_api):
    api = placement_api
    owner, rival = await verified_employer(api), await verified_employer(api)
    vacancy_id = await posted_vacancy(api, owner)
    path = f"/employers/{owner}/vacancies/{vacancy_id}/closure"
    closure = {"reason": "withdrawn"}

    assert (await anonymous_api.post(path, json=closure)).status_code == 401
    attack = await api.post(path, json=closure, headers=as_employer(rival))
    assert attack.status_code == 403 and attack.json()["error"] == "employer_mismatch"
    assert body(await api.get(f"/vacancies/{vacancy_id}"))["status"] == "open"
    closed = await api.post(path, json=closure, headers=as_employer(owner))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


@pytest.mark.parametrize("action", ["answer", "hire"])
async def test_another_employers_token_cannot_answer_or_hire_on_its_referral(
    placement_api, anonymous_api, placement_engine, feed, action
):
    api = placement_api
    owner, rival = await verified_employer(api), await verified_employer(api)
    referral_id = await referred(api, feed, owner)
    path = f"/employers/{owner}/referrals/{referral_id}"
    if action == "hire":
        offer = await api.post(f"{path}/answer", json={"answer": "offer"}, headers=as_employer(owner))
        assert offer.status_code == 200, offer.text
    payload = HIRE_TERMS if action == "hire" else {"answer": "offer"}

    assert (await anonymous_api.post(f"{path}/{action}", json=payload)).status_code == 401
    unscoped = await api.post(
        f"{path}/{action}", json=payload, headers=as_employer(owner, scopes.PLACEMENT_WRITE)
    )
    assert unscoped.status_code == 403 and unscoped.json()["error"] == "insufficient_scope"
    attack = await api.post(f"{path}/{action}", json=payload, headers=as_employer(rival))
    assert attack.status_code == 403 and attack.json()["error"] == "employer_mismatch"
    expected = "referred" if action == "answer" else "offered"
    assert body(await api.get(f"/referrals/{referral_id}"))["status"] == expected
    assert await count(placement_engine, Hire) == 0

    own = await api.post(f"{path}/{action}", json=payload, headers=as_employer(owner))
    assert own.status_code == (201 if action == "hire" else 200), own.text
    assert await count(placement_engine, Hire) == (1 if action == "hire" else 0)
