"""Referrals, hires and job endings on SQLite and PostgreSQL, with concurrent employers and assistants."""

import asyncio
import json

from sqlalchemy import select

from services.placement.models import outbox
from tests.http_checks import body
from tests.integration.placement.builders import (
    HIRE_TERMS,
    as_employer,
    hired,
    posted_vacancy,
    verified_employer,
)


async def events(engine, event_type: str) -> list[dict]:
    async with engine.connect() as connection:
        rows = await connection.scalars(
            select(outbox.c.payload).where(outbox.c.event_type == event_type).order_by(outbox.c.seq)
        )
        return [json.loads(payload)["data"] for payload in rows]


async def offered(api, employer_id: str, case_id: str, vacancy_id: str) -> str:
    referral = await api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id})
    assert referral.status_code == 201, referral.text
    referral_id = referral.json()["referral_id"]
    answer = await api.post(
        f"/employers/{employer_id}/referrals/{referral_id}/answer",
        json={"answer": "offer"},
        headers=as_employer(employer_id),
    )
    assert answer.status_code == 200, answer.text
    return referral_id


async def test_the_employer_answers_only_its_own_referrals_with_reasons(
    placement_api, feed, placement_engine
):
    api = placement_api
    employer_id, other = await verified_employer(api), await verified_employer(api)
    vacancy_id = await posted_vacancy(api, employer_id)
    case_id = await feed.worker()
    referral = body(await api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id}), 201)
    again = await api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id})
    assert again.status_code == 409 and again.json()["error"] == "already_referred"
    unknown = await api.post("/referrals", json={"case_id": "nobody", "vacancy_id": vacancy_id})
    assert unknown.status_code == 404 and unknown.json()["error"] == "worker_not_found"

    path = f"/referrals/{referral['referral_id']}/answer"
    hidden = await api.post(f"/employers/{other}{path}", json={"answer": "offer"}, headers=as_employer(other))
    assert hidden.status_code == 404 and hidden.json()["error"] == "referral_not_found"
    reasonless = await api.post(
        f"/employers/{employer_id}{path}", json={"answer": "rejection"}, headers=as_employer(employer_id)
    )
    assert reasonless.status_code == 422
    no_time = await api.post(
        f"/employers/{employer_id}{path}", json={"answer": "interview"}, headers=as_employer(employer_id)
    )
    assert no_time.status_code == 422
    rejected = await api.post(
        f"/employers/{employer_id}{path}",
        json={"answer": "rejection", "rejection_reason": "skills_mismatch"},
        headers=as_employer(employer_id),
    )
    assert body(rejected)["status"] == "rejected" and rejected.json()["rejection_reason"] == "skills_mismatch"
    late_offer = await api.post(
        f"/employers/{employer_id}{path}", json={"answer": "offer"}, headers=as_employer(employer_id)
    )
    assert late_offer.status_code == 409 and late_offer.json()["error"] == "referral_transition_refused"
    not_offered = await api.post(
        f"/employers/{employer_id}{path[:-7]}/hire", json=HIRE_TERMS, headers=as_employer(employer_id)
    )
    assert not_offered.status_code == 409

    [answered] = await events(placement_engine, "placement.referral_answered.v1")
    assert answered["answer"] == "rejection" and answered["rejection_reason"] == "skills_mismatch"
    listed = await api.get("/referrals", params={"employer_id": employer_id})
    assert [r["referral_id"] for r in body(listed)] == [referral["referral_id"]]


async def test_concurrent_hires_never_overfill_a_vacancy(placement_api, feed, placement_engine):
    api = placement_api
    employer_id = await verified_employer(api)
    vacancy_id = await posted_vacancy(api, employer_id, openings=2)
    workers = [await feed.worker() for _ in range(5)]
    referrals = [await offered(api, employer_id, case_id, vacancy_id) for case_id in workers]

    answers = await asyncio.gather(
        *(
            api.post(
                f"/employers/{employer_id}/referrals/{r}/hire",
                json=HIRE_TERMS,
                headers=as_employer(employer_id),
            )
            for r in referrals
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 201, 409, 409, 409]
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"vacancy_not_open"}
    vacancy = body(await api.get(f"/vacancies/{vacancy_id}"))
    assert (vacancy["status"], vacancy["openings_filled"], vacancy["close_reason"]) == ("filled", 2, "filled")
    assert len(await events(placement_engine, "placement.hired.v1")) == 2
    [closed] = await events(placement_engine, "placement.vacancy_closed.v1")
    assert closed["reason"] == "filled"
    late = await api.post("/referrals", json={"case_id": workers[0], "vacancy_id": vacancy_id})
    assert late.status_code == 409 and late.json()["error"] == "vacancy_not_open"


async def test_one_offer_is_hired_once_however_often_it_is_confirmed(placement_api, feed, placement_engine):
    api = placement_api
    employer_id = await verified_employer(api)
    vacancy_id = await posted_vacancy(api, employer_id, openings=5)
    referral_id = await offered(api, employer_id, await feed.worker(), vacancy_id)
    answers = await asyncio.gather(
        *(
            api.post(
                f"/employers/{employer_id}/referrals/{referral_id}/hire",
                json=HIRE_TERMS,
                headers=as_employer(employer_id),
            )
            for _ in range(4)
        )
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert body(await api.get(f"/vacancies/{vacancy_id}"))["openings_filled"] == 1
    assert len(await events(placement_engine, "placement.hired.v1")) == 1


async def test_a_job_ends_with_its_reason_and_stays_on_record(placement_api, feed, placement_engine):
    api = placement_api
    employer_id = await verified_employer(api)
    case_id = await feed.worker()
    hire = await hired(api, employer_id, case_id, await posted_vacancy(api, employer_id))
    early = await api.post(
        f"/hires/{hire['hire_id']}/ending", json={"ended_on": "2026-11-01", "reason": "season_ended"}
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "ended_on"
    ended = await api.post(
        f"/hires/{hire['hire_id']}/ending", json={"ended_on": "2027-02-28", "reason": "season_ended"}
    )
    assert body(ended)["status"] == "ended" and ended.json()["end_reason"] == "season_ended"
    again = await api.post(
        f"/hires/{hire['hire_id']}/ending", json={"ended_on": "2027-02-28", "reason": "season_ended"}
    )
    assert again.status_code == 409
    [event] = await events(placement_engine, "placement.job_ended.v1")
    assert (event["case_id"], event["ended_on"], event["reason"]) == (case_id, "2027-02-28", "season_ended")
    assert [h["status"] for h in body(await api.get("/hires", params={"case_id": case_id}))] == ["ended"]


async def test_a_direct_hire_needs_its_terms_and_may_fill_a_vacancy(placement_api, feed):
    api = placement_api
    employer_id = await verified_employer(api)
    case_id = await feed.worker()
    terms = HIRE_TERMS | {"case_id": case_id, "employer_id": employer_id}
    formless = await api.post("/hires", json=terms)
    assert formless.status_code == 422 and formless.json()["errors"][0]["field"] == "employment_form"
    contract_length = await api.post(
        "/hires", json=terms | {"employment_form": "part_time", "has_labour_contract": False}
    )
    assert contract_length.status_code == 422
    direct = await api.post("/hires", json=terms | {"employment_form": "public_welfare_post"})
    assert direct.status_code == 201 and direct.json()["vacancy_id"] is None
    vacancy_id = await posted_vacancy(api, employer_id, openings=1)
    for_vacancy = await api.post("/hires", json=terms | {"vacancy_id": vacancy_id})
    assert for_vacancy.status_code == 201 and for_vacancy.json()["employment_form"] == "hourly"
    assert body(await api.get(f"/vacancies/{vacancy_id}"))["status"] == "filled"


async def test_concurrent_referrals_of_one_worker_to_one_vacancy_make_one(
    placement_api, feed, placement_engine
):
    api = placement_api
    vacancy_id = await posted_vacancy(api, await verified_employer(api))
    case_id = await feed.worker()
    answers = await asyncio.gather(
        *(api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id}) for _ in range(6))
    )
    assert sorted(a.status_code for a in answers) == [201] + [409] * 5
    assert {a.json()["error"] for a in answers if a.status_code == 409} == {"already_referred"}
    assert len(await events(placement_engine, "placement.referral_made.v1")) == 1
