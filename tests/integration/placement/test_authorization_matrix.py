"""Who may call which placement route: every route needs a token, each caller is let in or refused as the
table says, staff reach only their workers' cases, an employer sees only its own records, bad tokens fail."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.common import scopes
from tests.authz import (
    CALLERS,
    FLAWS,
    assert_callers_as_the_table_says,
    assert_each_wants_a_token,
    bad_tokens,
    caller_headers,
    concrete,
    protected_routes,
)
from tests.http_checks import body
from tests.integration.placement.builders import (
    ISSUER,
    as_assistant,
    as_employer,
    as_service,
    as_supervisor,
    hired,
    posted_vacancy,
    verified_employer,
)
from tests.integration.placement.test_businesses_and_job_fairs import JOB, PLAN

STAFF = frozenset({"labour_assistant", "supervisor", "service"})
"""`placement:read` and `placement:write`: labour assistants, supervisors, the Temporal worker."""
MANAGERS = frozenset({"supervisor", "service"})
NETWORK = frozenset({"supervisor", "admin", "service"})
STAFF_OR_EMPLOYER = STAFF | {"employer"}
EMPLOYER = frozenset({"employer"})

ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("PUT", "/communities/{community_code}"): NETWORK,
    ("GET", "/communities"): STAFF,
    ("POST", "/employers"): STAFF,
    ("GET", "/employers/{employer_id}"): STAFF_OR_EMPLOYER,
    ("POST", "/employers/{employer_id}/verification"): MANAGERS,
    ("POST", "/employers/{employer_id}/suspension"): MANAGERS,
    ("POST", "/employers/{employer_id}/reinstatement"): MANAGERS,
    ("POST", "/employers/{employer_id}/vacancies"): EMPLOYER,
    ("POST", "/employers/{employer_id}/vacancies/{vacancy_id}/closure"): EMPLOYER,
    ("GET", "/vacancies"): STAFF_OR_EMPLOYER,
    ("GET", "/vacancies/{vacancy_id}"): STAFF_OR_EMPLOYER,
    ("GET", "/vacancies/{vacancy_id}/matches"): STAFF,
    ("GET", "/workers/{case_id}"): STAFF,
    ("GET", "/workers/{case_id}/matches"): STAFF,
    ("POST", "/referrals"): STAFF,
    ("GET", "/referrals"): STAFF_OR_EMPLOYER,
    ("GET", "/referrals/{referral_id}"): STAFF_OR_EMPLOYER,
    ("POST", "/employers/{employer_id}/referrals/{referral_id}/answer"): EMPLOYER,
    ("POST", "/employers/{employer_id}/referrals/{referral_id}/hire"): EMPLOYER,
    ("POST", "/job-fairs"): STAFF,
    ("GET", "/job-fairs/{job_fair_id}"): STAFF,
    ("PUT", "/job-fairs/{job_fair_id}/employers/{employer_id}"): STAFF,
    ("POST", "/job-fairs/{job_fair_id}/attendance"): STAFF,
    ("POST", "/hires"): STAFF,
    ("GET", "/hires"): STAFF_OR_EMPLOYER,
    ("GET", "/hires/{hire_id}"): STAFF,
    ("POST", "/hires/{hire_id}/ending"): STAFF,
    ("POST", "/businesses"): STAFF,
    ("GET", "/businesses/{business_id}"): STAFF,
    ("POST", "/businesses/{business_id}/start"): STAFF,
    ("POST", "/businesses/{business_id}/support"): STAFF,
    ("POST", "/businesses/{business_id}/jobs"): STAFF,
    ("POST", "/businesses/{business_id}/closure"): STAFF,
    ("PUT", "/follow-up-tasks/{task_key}"): STAFF,
    ("GET", "/follow-up-tasks/{task_key}"): STAFF,
    ("GET", "/follow-up-tasks"): STAFF,
    ("POST", "/follow-up-tasks/{task_key}/completion"): STAFF,
    ("POST", "/follow-up-tasks/{task_key}/cancellation"): STAFF,
}
"""Per route, the callers let in. The service client holds `vacancies:manage` too, but acts for nobody."""


async def call(api: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]) -> httpx.Response:
    body: dict[str, Any] | None = {} if method in {"POST", "PUT"} else None
    return await api.request(method, concrete(path), json=body, headers=headers)


def test_the_table_names_every_route(placement_app: FastAPI) -> None:
    assert set(protected_routes(placement_app)) == set(ALLOWED)
    assert all(callers <= set(CALLERS) for callers in ALLOWED.values())


async def test_every_route_refuses_a_call_without_a_token(placement_app, anonymous_api) -> None:
    await assert_each_wants_a_token(anonymous_api, protected_routes(placement_app))


async def test_each_caller_is_let_in_or_refused_as_the_table_says(anonymous_api) -> None:
    await assert_callers_as_the_table_says(anonymous_api, ALLOWED, caller_headers(ISSUER))


async def test_staff_reach_only_the_workers_cases_of_their_community_or_street(placement_api, feed) -> None:
    api = placement_api
    for code, street in (("ZS-01", "ZS"), ("HP-01", "HP")):
        put = await api.put(
            f"/communities/{code}", json={"street_code": street, "name": code}, headers=as_supervisor()
        )
        assert put.status_code == 200, put.text
    employer_id = await verified_employer(api)
    vacancy_id = await posted_vacancy(api, employer_id)
    case_id = await feed.worker(occupations=("housekeeping",))
    hire = await hired(api, employer_id, case_id, vacancy_id)
    [referral] = body(await api.get("/referrals", params={"case_id": case_id}))
    task_key = f"journey-{case_id}-1"
    task = {"case_id": case_id, "due_on": "2026-12-02", "sequence": 1, "subject_kind": "hire"}
    created = await api.put(
        f"/follow-up-tasks/{task_key}", json=task | {"subject_id": hire["hire_id"]}, headers=as_service()
    )
    assert created.status_code == 201, created.text
    business = await api.post("/businesses", json=PLAN | {"case_id": case_id})
    assert business.status_code == 201, business.text
    business_id = business.json()["business_id"]

    for stranger in (as_assistant("HP-01"), as_supervisor(street_code="HP")):
        for path in (
            f"/workers/{case_id}",
            f"/workers/{case_id}/matches",
            f"/referrals/{referral['referral_id']}",
            f"/hires/{hire['hire_id']}",
            f"/follow-up-tasks/{task_key}",
            f"/businesses/{business_id}",
        ):
            response = await api.get(path, headers=stranger)
            assert (response.status_code, response.json()["error"]) == (403, "case_out_of_reach"), path
            assert response.json()["details"] == {"case_id": case_id}
        for path, payload in (
            ("/referrals", {"case_id": case_id, "vacancy_id": vacancy_id}),
            (f"/hires/{hire['hire_id']}/ending", {"ended_on": "2026-11-30", "reason": "resigned"}),
            (
                f"/follow-up-tasks/{task_key}/completion",
                {"still_working": True, "has_labour_contract": True, "social_insurance": True},
            ),
            (f"/businesses/{business_id}/closure", {"closed_on": "2026-11-30", "reason": "other"}),
        ):
            response = await api.post(path, json=payload, headers=stranger)
            assert (response.status_code, response.json()["error"]) == (403, "case_out_of_reach"), path
        for path in ("/referrals", "/hires", "/follow-up-tasks", f"/vacancies/{vacancy_id}/matches"):
            assert body(await api.get(path, headers=stranger)) == [], path

    for reaching in (as_assistant(), as_supervisor(street_code="ZS"), as_supervisor()):
        assert (await api.get(f"/workers/{case_id}", headers=reaching)).status_code == 200
        listed = await api.get("/referrals", headers=reaching)
        assert [r["referral_id"] for r in body(listed)] == [referral["referral_id"]]
        assert [h["hire_id"] for h in body(await api.get("/hires", headers=reaching))] == [hire["hire_id"]]
        tasks = await api.get("/follow-up-tasks", headers=reaching)
        assert [t["task_key"] for t in body(tasks)] == [task_key]


async def test_a_job_for_a_worker_out_of_reach_is_refused(placement_api, feed) -> None:
    owner = await feed.worker()
    stranger = await feed.worker(community="HP-01")
    business = await placement_api.post("/businesses", json=PLAN | {"case_id": owner})
    business_id = body(business, 201)["business_id"]
    started = await placement_api.post(f"/businesses/{business_id}/start", json={"started_on": "2026-11-20"})
    assert started.status_code == 200, started.text

    refused = await placement_api.post(f"/businesses/{business_id}/jobs", json=JOB | {"case_id": stranger})
    assert (refused.status_code, refused.json()["error"]) == (403, "case_out_of_reach")
    assert refused.json()["details"] == {"case_id": stranger}
    hires = await placement_api.get("/hires", headers=as_supervisor())
    assert body(hires) == []


async def test_an_employer_sees_only_its_own_vacancies_referrals_and_hires(placement_api, feed) -> None:
    api = placement_api
    owner, rival = await verified_employer(api), await verified_employer(api)
    own_vacancy, rival_vacancy = await posted_vacancy(api, owner), await posted_vacancy(api, rival)
    case_id = await feed.worker(occupations=("housekeeping",))
    referrals = [
        body(await api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy}), 201)[
            "referral_id"
        ]
        for vacancy in (own_vacancy, rival_vacancy)
    ]
    owner_token = as_employer(owner)

    listed = await api.get("/vacancies", headers=owner_token)
    assert [v["vacancy_id"] for v in body(listed)] == [own_vacancy]
    asked_for_rival = await api.get("/vacancies", params={"employer_id": rival}, headers=owner_token)
    assert (asked_for_rival.status_code, asked_for_rival.json()["error"]) == (403, "employer_mismatch")
    assert (await api.get(f"/vacancies/{own_vacancy}", headers=owner_token)).status_code == 200
    hidden = await api.get(f"/vacancies/{rival_vacancy}", headers=owner_token)
    assert (hidden.status_code, hidden.json()["error"]) == (404, "vacancy_not_found")

    made_to_owner = await api.get("/referrals", headers=owner_token)
    assert [r["referral_id"] for r in body(made_to_owner)] == [referrals[0]]
    assert (await api.get(f"/referrals/{referrals[0]}", headers=owner_token)).status_code == 200
    other = await api.get(f"/referrals/{referrals[1]}", headers=owner_token)
    assert (other.status_code, other.json()["error"]) == (404, "referral_not_found")

    assert body(await api.get(f"/employers/{owner}", headers=owner_token))["employer_id"] == owner
    rivals = await api.get(f"/employers/{rival}", headers=owner_token)
    assert (rivals.status_code, rivals.json()["error"]) == (403, "employer_mismatch")
    own_hire = await hired(api, owner, await feed.worker(occupations=("housekeeping",)), own_vacancy)
    await hired(api, rival, await feed.worker(occupations=("housekeeping",)), rival_vacancy)
    assert [h["hire_id"] for h in body(await api.get("/hires", headers=owner_token))] == [own_hire["hire_id"]]
    rival_hires = await api.get("/hires", params={"employer_id": rival}, headers=owner_token)
    assert (rival_hires.status_code, rival_hires.json()["error"]) == (403, "employer_mismatch")

    for path in (f"/workers/{case_id}", f"/vacancies/{own_vacancy}/matches"):
        refused = await api.get(path, headers=owner_token)
        assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_scope"), path

    assert len(body(await api.get("/vacancies"))) == 2


@pytest.mark.parametrize("flaw", FLAWS)
async def test_an_expired_forged_or_misdirected_token_is_refused(anonymous_api, flaw) -> None:
    assistant = (scopes.PLACEMENT_READ, scopes.PLACEMENT_WRITE)
    claims = {"role": "labour_assistant", "community_code": "ZS-01"}
    assert (
        await anonymous_api.get("/vacancies", headers=ISSUER.headers(*assistant, **claims))
    ).status_code == 200
    for method, path in (("GET", "/vacancies"), ("POST", "/referrals")):
        response = await call(anonymous_api, method, path, bad_tokens(ISSUER, *assistant, **claims)[flaw])
        assert (response.status_code, response.json()["error"]) == (401, "invalid_token"), (path, flaw)
        assert flaw in response.json()["message"], response.text
