"""Entrepreneurship and job fairs on SQLite and PostgreSQL."""

import json

from sqlalchemy import select

from services.placement.models import outbox
from tests.http_checks import body
from tests.integration.placement.builders import posted_vacancy, verified_employer

PLAN = {
    "name": "巧手保洁队 Handy cleaning team",
    "kind": "cleaning_team",
    "community_code": "ZS-01",
    "address": "东风路 12 号",
    "plan": {"summary": "Office and stairwell cleaning for the street's buildings", "jobs_planned": 4},
    "expected_monthly_income_yuan": 5000,
}
JOB = {
    "employment_form": "part_time",
    "has_labour_contract": True,
    "contract_months": 12,
    "start_date": "2026-12-01",
    "monthly_wage_yuan": 2600,
    "social_insurance": True,
}


async def event_types(engine) -> list[str]:
    async with engine.connect() as connection:
        return list(await connection.scalars(select(outbox.c.event_type).order_by(outbox.c.seq)))


async def test_a_business_is_planned_started_supported_gives_jobs_and_closes(
    placement_api, feed, placement_engine
):
    api = placement_api
    owner, employee = await feed.worker(), await feed.worker()
    planned = await api.post("/businesses", json=PLAN | {"case_id": owner})
    assert planned.status_code == 201, planned.text
    business_id = planned.json()["business_id"]
    assert planned.json()["status"] == "planned" and planned.json()["plan"]["jobs_planned"] == 4

    too_early = await api.post(f"/businesses/{business_id}/jobs", json=JOB | {"case_id": employee})
    assert too_early.status_code == 409 and too_early.json()["error"] == "business_not_started"
    started = await api.post(
        f"/businesses/{business_id}/start",
        json={"started_on": "2026-11-20", "licence_reference": "92110105MA01234567"},
    )
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "started" and started.json()["employer_id"]
    assert body(await api.get(f"/employers/{started.json()['employer_id']}"))["kind"] == "worker_business"

    link = {"support_kind": "micro_loan", "application_reference": "BEN-2026-0042"}
    assert (await api.post(f"/businesses/{business_id}/support", json=link)).status_code == 200
    assert (await api.post(f"/businesses/{business_id}/support", json=link)).status_code == 200
    other_kind = await api.post(
        f"/businesses/{business_id}/support", json=link | {"support_kind": "tax_relief"}
    )
    assert other_kind.status_code == 409

    own = await api.post(f"/businesses/{business_id}/jobs", json=JOB | {"case_id": owner})
    assert own.status_code == 422 and own.json()["errors"][0]["field"] == "case_id"
    job = await api.post(f"/businesses/{business_id}/jobs", json=JOB | {"case_id": employee})
    assert job.status_code == 201, job.text
    assert job.json()["business_id"] == business_id and job.json()["case_id"] == employee

    described = body(await api.get(f"/businesses/{business_id}"))
    assert [s["application_reference"] for s in described["support"]] == ["BEN-2026-0042"]
    assert [j["case_id"] for j in described["jobs_created"]] == [employee]

    before_start = await api.post(
        f"/businesses/{business_id}/closure", json={"closed_on": "2026-11-01", "reason": "unprofitable"}
    )
    assert before_start.status_code == 422
    closed = await api.post(
        f"/businesses/{business_id}/closure", json={"closed_on": "2027-06-30", "reason": "unprofitable"}
    )
    assert body(closed)["status"] == "closed"
    restart = await api.post(f"/businesses/{business_id}/start", json={"started_on": "2027-07-01"})
    assert restart.status_code == 409 and restart.json()["error"] == "business_transition_refused"

    types = await event_types(placement_engine)
    assert [t for t in types if t.startswith("placement.business")] == [
        "placement.business_planned.v1",
        "placement.business_started.v1",
        "placement.business_support_linked.v1",
        "placement.business_closed.v1",
    ]
    async with placement_engine.connect() as connection:
        payload = await connection.scalar(
            select(outbox.c.payload).where(outbox.c.event_type == "placement.hired.v1")
        )
    hired = json.loads(payload)["data"]
    assert hired["business_id"] == business_id and hired["case_id"] == employee


async def test_a_job_fair_counts_its_employers_vacancies_attendance_and_referrals(placement_api, feed):
    api = placement_api
    fair = await api.post(
        "/job-fairs",
        json={
            "name": "中山街道再就业招聘会",
            "held_on": "2026-12-05",
            "community_code": "ZS-01",
            "venue": "文化站",
        },
    )
    assert fair.status_code == 201
    fair_id = fair.json()["job_fair_id"]
    first, second = await verified_employer(api), await verified_employer(api)
    vacancy_id = await posted_vacancy(api, first, job_fair_id=fair_id)
    joined = await api.put(f"/job-fairs/{fair_id}/employers/{second}")
    assert joined.status_code == 200
    assert (await api.put(f"/job-fairs/{fair_id}/employers/{second}")).status_code == 200

    case_id = await feed.worker()
    came = await api.post(f"/job-fairs/{fair_id}/attendance", json={"case_id": case_id})
    assert came.status_code == 201
    assert (await api.post(f"/job-fairs/{fair_id}/attendance", json={"case_id": case_id})).status_code == 200
    referral = await api.post(
        "/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id, "job_fair_id": fair_id}
    )
    assert referral.status_code == 201

    summary = body(await api.get(f"/job-fairs/{fair_id}"))
    assert sorted(summary["employer_ids"]) == sorted([first, second])
    assert summary["vacancy_ids"] == [vacancy_id]
    assert (summary["attendees"], summary["referrals"]) == (1, 1)
    assert (await api.get("/job-fairs/none")).status_code == 404
