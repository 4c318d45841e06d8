"""Issue 6's "done when", tried through the HTTP API as a new user would, on SQLite and PostgreSQL."""

import json

from sqlalchemy import select

from services.placement.models import outbox
from tests.http_checks import body
from tests.integration.placement.builders import (
    HIRE_TERMS,
    as_assistant,
    as_employer,
    as_service,
    as_supervisor,
    posted_vacancy,
    registered,
    verified_employer,
)

ASSISTANT = "0193a000-0000-7000-8000-00000000a551"


async def events_of(engine, event_type: str) -> list[dict]:
    async with engine.connect() as connection:
        rows = await connection.execute(select(outbox.c.payload).where(outbox.c.event_type == event_type))
        return [json.loads(payload)["data"] for (payload,) in rows]


async def test_a_4050_worker_with_a_housekeeping_certificate_is_matched_first_referred_hired_and_followed_up(
    placement_api, feed, placement_engine
):
    api = placement_api
    for code, street in (("ZS-01", "ZS"), ("ZS-02", "ZS"), ("HP-01", "HP")):
        put = await api.put(
            f"/communities/{code}", json={"street_code": street, "name": code}, headers=as_supervisor()
        )
        assert put.status_code == 200

    employer_id = await verified_employer(api)
    hourly = await posted_vacancy(api, employer_id)
    seasonal = await posted_vacancy(
        api,
        employer_id,
        title="春节家政保洁 Spring Festival cleaning",
        employment_form="seasonal",
        openings=10,
        required_certificates=[],
        hourly_wage_yuan=None,
        monthly_wage_yuan=4200,
    )

    wang = await feed.worker(
        community="ZS-02",
        flags=("aged_4050",),
        skills=("cleaning:intermediate", "cooking:basic"),
        occupations=("housekeeping",),
        forms=("hourly", "part_time"),
        assistant_id=ASSISTANT,
    )
    await feed.certificate(wang, area="housekeeping", name="Housekeeping (junior) 家政服务员")
    li = await feed.worker(skills=("cleaning",), occupations=("housekeeping",), forms=("hourly",))
    await feed.worker(occupations=("cooking",), forms=("full_time",), flags=("aged_4050",))
    await feed.event(registered("0193a000-0000-7000-8000-0000000000ff", flags=("aged_4050",)))

    street_supervisor = as_supervisor(street_code="ZS")
    ranked = body(await api.get(f"/vacancies/{hourly}/matches", headers=street_supervisor))
    assert [m["case_id"] for m in ranked] == [wang, li]
    first = ranked[0]
    assert first["score"] > ranked[1]["score"]
    reasons = {f["factor"]: f["reason"] for f in first["factors"]}
    assert reasons["priority"] == 'priority: aged "4050"'
    assert "housekeeping" in reasons["certificates"] and "1 of 1" in reasons["certificates"]
    assert reasons["distance"] == "same street, another community"
    assert 'aged "4050"' in first["explanation"]
    assert sum(f["points"] for f in first["factors"]) == first["score"]

    wangs_assistant = as_assistant("ZS-02")
    for_wang = body(await api.get(f"/workers/{wang}/matches", headers=wangs_assistant))
    assert [m["vacancy"]["vacancy_id"] for m in for_wang] == [hourly, seasonal]
    assert "wants hourly work" in for_wang[0]["explanation"]

    referral = await api.post(
        "/referrals", json={"case_id": wang, "vacancy_id": hourly}, headers=wangs_assistant
    )
    assert referral.status_code == 201, referral.text
    referral_id = referral.json()["referral_id"]
    assert referral.json()["assistant_id"] == ASSISTANT
    answer = f"/employers/{employer_id}/referrals/{referral_id}/answer"
    interview = await api.post(
        answer,
        json={"answer": "interview", "interview_at": "2026-10-20T02:00:00Z"},
        headers=as_employer(employer_id),
    )
    assert interview.status_code == 200 and interview.json()["status"] == "interview"
    offer = await api.post(answer, json={"answer": "offer"}, headers=as_employer(employer_id))
    assert offer.status_code == 200 and offer.json()["status"] == "offered"
    hire = await api.post(
        f"/employers/{employer_id}/referrals/{referral_id}/hire",
        json=HIRE_TERMS,
        headers=as_employer(employer_id),
    )
    assert hire.status_code == 201, hire.text
    hire_id = hire.json()["hire_id"]
    assert hire.json()["employment_form"] == "hourly"

    [hired] = await events_of(placement_engine, "placement.hired.v1")
    assert hired["case_id"] == wang and hired["hire_id"] == hire_id and hired["vacancy_id"] == hourly
    assert hired["employment_form"] == "hourly" and hired["start_date"] == "2026-11-02"
    assert hired["has_labour_contract"] is True and hired["social_insurance"] is True

    task_key = f"journey-{wang}-{hire_id}-1"
    request = {
        "case_id": wang,
        "due_on": "2026-12-02",
        "sequence": 1,
        "subject_kind": "hire",
        "subject_id": hire_id,
        "assistant_id": None,
    }
    created = await api.put(f"/follow-up-tasks/{task_key}", json=request, headers=as_service())
    assert created.status_code == 201, created.text
    assert created.json()["assistant_id"] == ASSISTANT and created.json()["status"] == "open"
    again = await api.put(f"/follow-up-tasks/{task_key}", json=request, headers=as_service())
    assert again.status_code == 200 and again.json() == created.json()

    not_yet = await api.get(
        "/follow-up-tasks",
        params={"assistant_id": ASSISTANT, "due_before": "2026-12-01"},
        headers=wangs_assistant,
    )
    assert body(not_yet) == []
    due = await api.get(
        "/follow-up-tasks",
        params={"assistant_id": ASSISTANT, "status": "open", "due_before": "2026-12-02"},
        headers=wangs_assistant,
    )
    assert [t["task_key"] for t in body(due)] == [task_key]
    assert len(await events_of(placement_engine, "placement.follow_up_task_created.v1")) == 1
