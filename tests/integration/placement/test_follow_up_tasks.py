"""The follow-up task API the journey calls, on SQLite and PostgreSQL: idempotent by key, completed once."""

import asyncio
import json

from sqlalchemy import func, select

from services.placement.models import FollowUpTask, outbox
from tests.http_checks import body
from tests.integration.placement.builders import as_service, hired, posted_vacancy, verified_employer

ASSISTANT = "0193a000-0000-7000-8000-00000000a551"
OTHER_ASSISTANT = "0193a000-0000-7000-8000-00000000a552"


async def a_hire(api, feed) -> tuple[str, str]:
    employer_id = await verified_employer(api)
    vacancy_id = await posted_vacancy(api, employer_id)
    case_id = await feed.worker(occupations=("housekeeping",), assistant_id=ASSISTANT)
    return case_id, (await hired(api, employer_id, case_id, vacancy_id))["hire_id"]


def task(case_id: str, hire_id: str, **overrides) -> dict:
    body = {
        "case_id": case_id,
        "due_on": "2026-12-02",
        "sequence": 1,
        "subject_kind": "hire",
        "subject_id": hire_id,
        "assistant_id": None,
    }
    return body | overrides


async def test_the_same_key_and_content_is_the_same_task_and_other_content_conflicts(placement_api, feed):
    api = placement_api
    case_id, hire_id = await a_hire(api, feed)
    key = f"journey-{case_id}-{hire_id}-1"

    created = await api.put(f"/follow-up-tasks/{key}", json=task(case_id, hire_id), headers=as_service())
    assert created.status_code == 201, created.text
    payload = created.json()
    assert payload["task_key"] == key and payload["assistant_id"] == ASSISTANT
    assert payload["status"] == "open" and payload["outcome"] is None and payload["completed_at"] is None

    assert (
        body(await api.put(f"/follow-up-tasks/{key}", json=task(case_id, hire_id), headers=as_service()))
        == payload
    )
    for change in ({"due_on": "2026-12-03"}, {"sequence": 2}, {"assistant_id": OTHER_ASSISTANT}):
        conflict = await api.put(
            f"/follow-up-tasks/{key}", json=task(case_id, hire_id, **change), headers=as_service()
        )
        assert conflict.status_code == 409, change
        assert conflict.json()["error"] == "follow_up_task_conflict"
        assert conflict.json()["details"] == {"task_id": payload["task_id"]}
    assert body(await api.get(f"/follow-up-tasks/{key}")) == payload


async def test_concurrent_requests_for_one_key_create_one_task_and_one_event(
    placement_api, feed, placement_engine
):
    api = placement_api
    case_id, hire_id = await a_hire(api, feed)
    key = f"journey-{case_id}-{hire_id}-1"
    answers = await asyncio.gather(
        *(
            api.put(f"/follow-up-tasks/{key}", json=task(case_id, hire_id), headers=as_service())
            for _ in range(8)
        )
    )
    assert sorted(a.status_code for a in answers) == [200] * 7 + [201]
    assert len({body(a, (200, 201))["task_id"] for a in answers}) == 1
    async with placement_engine.connect() as connection:
        tasks = await connection.scalar(select(func.count()).select_from(FollowUpTask))
        created = await connection.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.event_type == "placement.follow_up_task_created.v1")
        )
    assert (tasks, created) == (1, 1)


async def test_a_task_needs_a_hire_or_business_of_that_case(placement_api, feed):
    api = placement_api
    case_id, hire_id = await a_hire(api, feed)
    other_case = await feed.worker()
    wrong_case = await api.put("/follow-up-tasks/k-1", json=task(other_case, hire_id), headers=as_service())
    assert wrong_case.status_code == 422 and wrong_case.json()["error"] == "follow_up_subject_not_found"
    assert wrong_case.json()["errors"][0]["field"] == "subject_id"
    as_business = await api.put(
        "/follow-up-tasks/k-2", json=task(case_id, hire_id, subject_kind="business"), headers=as_service()
    )
    assert as_business.status_code == 422
    bad = await api.put(
        "/follow-up-tasks/k-3",
        json=task(case_id, hire_id, sequence=0, subject_kind="job"),
        headers=as_service(),
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"sequence", "subject_kind"}
    assert (
        await api.put("/follow-up-tasks/has space", json=task(case_id, hire_id), headers=as_service())
    ).status_code == 422
    assert body(await api.get("/follow-up-tasks", params={"status": "open"})) == []


async def test_completing_a_task_records_the_outcome_once_and_emits_it(placement_api, feed, placement_engine):
    api = placement_api
    case_id, hire_id = await a_hire(api, feed)
    key = f"journey-{case_id}-{hire_id}-1"
    await api.put(
        f"/follow-up-tasks/{key}",
        json=task(case_id, hire_id, assistant_id=OTHER_ASSISTANT),
        headers=as_service(),
    )
    outcome = {
        "still_working": True,
        "has_labour_contract": True,
        "social_insurance": False,
        "monthly_earnings_yuan": 3300,
        "satisfaction": 4,
        "problems_raised": ["social insurance not paid yet"],
    }
    bad = await api.post(f"/follow-up-tasks/{key}/completion", json=outcome | {"satisfaction": 6})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "satisfaction"
    done = await api.post(f"/follow-up-tasks/{key}/completion", json=outcome)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["outcome"] == outcome
    assert done.json()["assistant_id"] == OTHER_ASSISTANT
    twice = await api.post(f"/follow-up-tasks/{key}/completion", json=outcome)
    assert twice.status_code == 409 and twice.json()["error"] == "follow_up_task_transition_refused"
    missing = await api.post("/follow-up-tasks/nope/completion", json=outcome)
    assert missing.status_code == 404 and missing.json()["error"] == "follow_up_task_not_found"

    async with placement_engine.connect() as connection:
        [payload] = (
            await connection.scalars(
                select(outbox.c.payload).where(outbox.c.event_type == "placement.follow_up_completed.v1")
            )
        ).all()
    data = json.loads(payload)["data"]
    assert data["task_key"] == key and data["case_id"] == case_id
    assert (data["still_working"], data["social_insurance"], data["satisfaction"]) == (True, False, 4)
    assert data["problems_raised"] is True and "social insurance not paid" not in payload

    assert body(await api.get("/follow-up-tasks", params={"status": "open"})) == []
    listed = await api.get("/follow-up-tasks", params={"case_id": case_id, "status": "completed"})
    assert [t["task_key"] for t in body(listed)] == [key]
    assert body(await api.get("/follow-up-tasks", params={"assistant_id": ASSISTANT})) == []


async def test_a_task_is_cancelled_once_and_a_completed_one_stays_completed(
    placement_api, feed, placement_engine
):
    api = placement_api
    case_id, hire_id = await a_hire(api, feed)
    first, second = (f"journey-{case_id}-{hire_id}-{n}" for n in (1, 2))
    await api.put(f"/follow-up-tasks/{first}", json=task(case_id, hire_id), headers=as_service())
    await api.put(f"/follow-up-tasks/{second}", json=task(case_id, hire_id, sequence=2), headers=as_service())
    reason = {"reason": "the work ended"}
    cancelled = await api.post(f"/follow-up-tasks/{first}/cancellation", json=reason, headers=as_service())
    again = await api.post(f"/follow-up-tasks/{first}/cancellation", json=reason, headers=as_service())
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert body(again) == cancelled.json()
    async with placement_engine.connect() as connection:
        events = await connection.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.event_type == "placement.follow_up_cancelled.v1")
        )
    assert events == 1
    listed = body(await api.get("/follow-up-tasks", params={"case_id": case_id, "status": "cancelled"}))
    assert [t["task_key"] for t in listed] == [first]

    outcome = {"still_working": True, "has_labour_contract": True, "social_insurance": True}
    assert (await api.post(f"/follow-up-tasks/{second}/completion", json=outcome)).status_code == 200
    refused = await api.post(f"/follow-up-tasks/{second}/cancellation", json=reason, headers=as_service())
    assert refused.status_code == 409 and refused.json()["error"] == "follow_up_task_transition_refused"
    missing = await api.post(
        "/follow-up-tasks/journey-none-none-1/cancellation", json=reason, headers=as_service()
    )
    assert missing.status_code == 404
