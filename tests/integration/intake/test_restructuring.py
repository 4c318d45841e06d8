"""Enterprise restructuring on SQLite and PostgreSQL: the congress vote gates bulk intake of thousands."""

import json

import pytest
from sqlalchemy import func, select, text

from services.common.settings import ServiceSettings
from services.intake.app import IntakePolicy, create_app
from services.intake.domain import VotingRule
from services.intake.models import WorkerCase, outbox
from tests.factories import registration
from tests.http_checks import body
from tests.integration.intake.support import ISSUER, serving, staff

PLAN = {
    "enterprise_name": "红星纺织厂",
    "enterprise_code": "91110105MA01ABCD2X",
    "affected_workers": 2400,
    "measures": [
        {"kind": "transfer_to_new_entity", "description": "转入新组建的纺织公司", "workers": 1500},
        {"kind": "re_employment_service", "description": "进入再就业服务中心", "workers": 900},
    ],
    "congress_members": 120,
}
PASSING = {"members_present": 110, "votes_for": 70, "votes_against": 30, "abstentions": 10}
FAILING = {"members_present": 110, "votes_for": 60, "votes_against": 40, "abstentions": 10}


@pytest.fixture
def intake_api(supervisor_api):
    """A supervisor records plans, votes and bulk intakes; the RestructuringPlan workflow (`service_api`)
    takes the roster in and reminds the congress."""
    return supervisor_api


@pytest.fixture
async def plan_id(intake_api) -> str:
    response = await intake_api.post("/restructuring-plans", json=PLAN)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "submitted"
    return response.json()["plan_id"]


def batch(size: int, batch_id: str = "batch-1") -> dict:
    workers = [registration() for _ in range(size)]
    workers[0]["labour_contract_transfer"] = {"new_employer": "新纺织有限公司", "signed_on": "2026-10-08"}
    return {"batch_id": batch_id, "workers": workers}


async def case_count(intake_engine) -> int:
    async with intake_engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(WorkerCase))


async def test_two_thousand_workers_are_refused_before_the_vote_and_taken_in_after(
    intake_api, intake_engine, plan_id
):
    payload = batch(2000)
    before = await intake_api.post(f"/restructuring-plans/{plan_id}/intake", json=payload)
    assert before.status_code == 409 and before.json()["error"] == "plan_not_approved"
    assert await case_count(intake_engine) == 0

    voted = await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    assert body(voted)["status"] == "approved"

    after = await intake_api.post(f"/restructuring-plans/{plan_id}/intake", json=payload)
    assert after.status_code == 200, after.text[:500]
    taken = after.json()
    assert len(taken["case_ids"]) == 2000 and taken["repeated"] is False
    assert await case_count(intake_engine) == 2000

    again = await intake_api.post(f"/restructuring-plans/{plan_id}/intake", json=payload)
    assert body(again) == taken | {"repeated": True}
    assert await case_count(intake_engine) == 2000

    async with intake_engine.connect() as connection:
        planned = await connection.scalar(
            select(func.count()).select_from(WorkerCase).where(WorkerCase.restructuring_plan_id == plan_id)
        )
        transfer = await connection.scalar(
            text("SELECT labour_contract_transfer FROM worker_cases WHERE case_id = :id"),
            {"id": taken["case_ids"][0]},
        )
        types = [
            json.loads(p)["type"] for p in (await connection.execute(select(outbox.c.payload))).scalars()
        ]
    assert planned == 2000
    recorded = json.loads(transfer) if isinstance(transfer, str) else transfer
    assert recorded == {"new_employer": "新纺织有限公司", "signed_on": "2026-10-08"}
    assert types.count("intake.worker_registered.v1") == 2000
    assert types.count("intake.bulk_intake_completed.v1") == 1


async def test_one_bad_row_refuses_the_whole_batch_with_an_error_per_row(intake_api, intake_engine, plan_id):
    await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    body = batch(6)
    body["workers"][3]["resident_id"] = "110105194912310021"
    response = await intake_api.post(f"/restructuring-plans/{plan_id}/intake", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["workers.3.resident_id"]
    assert await case_count(intake_engine) == 0


async def test_people_already_open_duplicates_and_unknown_places_are_named_by_row(
    intake_api, intake_engine, plan_id
):
    await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    already = registration()
    assert (await intake_api.post("/workers", json=already)).status_code == 201
    body = batch(5)
    body["workers"][1] = already
    body["workers"][4]["resident_id"] = body["workers"][2]["resident_id"]
    body["workers"][3]["community_code"] = "XX-99"
    response = await intake_api.post(f"/restructuring-plans/{plan_id}/intake", json=body)
    assert response.status_code == 422
    problems = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert problems["workers.1.resident_id"].startswith("has an open case")
    assert problems["workers.3.community_code"] == "unknown community"
    assert problems["workers.4.resident_id"] == "same person as row 2"
    assert await case_count(intake_engine) == 1


async def test_a_rejected_plan_is_revised_resubmitted_and_passed(intake_api, plan_id):
    rejected = body(await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=FAILING))
    assert rejected["status"] == "rejected" and rejected["vote"]["votes_for"] == 60
    again = await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    assert again.status_code == 409

    revised = await intake_api.put(f"/restructuring-plans/{plan_id}", json=PLAN | {"affected_workers": 2500})
    assert body(revised)["status"] == "submitted" and revised.json()["revision"] == 2
    assert revised.json()["vote"] is None
    passed = await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    assert body(passed)["status"] == "approved"


@pytest.mark.parametrize(
    ("vote", "field"),
    [
        ({"members_present": 130, "votes_for": 61, "votes_against": 0, "abstentions": 0}, "members_present"),
        ({"members_present": 100, "votes_for": 80, "votes_against": 30, "abstentions": 0}, "votes_for"),
    ],
)
async def test_impossible_vote_counts_name_the_field(intake_api, plan_id, vote, field):
    response = await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=vote)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert body(await intake_api.get(f"/restructuring-plans/{plan_id}"))["status"] == "submitted"


async def test_a_plan_whose_measures_place_more_than_it_affects_is_refused(intake_api):
    too_many = PLAN | {"affected_workers": 100}
    response = await intake_api.post("/restructuring-plans", json=too_many)
    assert response.status_code == 422


async def test_a_lodged_roster_is_checked_row_by_row_sealed_and_taken_in_once_after_approval(
    intake_api, service_api, intake_engine, plan_id
):
    bad = batch(3, "roster-1")
    bad["workers"][2]["community_code"] = "XX-99"
    refused = await intake_api.put(f"/restructuring-plans/{plan_id}/roster", json=bad)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["workers.2.community_code"]
    assert (await intake_api.get(f"/restructuring-plans/{plan_id}/roster")).status_code == 404

    roster = batch(3, "roster-1")
    lodged = await intake_api.put(f"/restructuring-plans/{plan_id}/roster", json=roster)
    assert lodged.status_code == 200 and lodged.json()["workers"] == 3
    async with intake_engine.connect() as connection:
        sealed = await connection.scalar(text("SELECT rows_encrypted FROM plan_rosters"))
    assert roster["workers"][0]["resident_id"] not in sealed

    early = await service_api.post(f"/restructuring-plans/{plan_id}/roster/intake")
    assert early.status_code == 409 and early.json()["error"] == "plan_not_approved"
    await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    first = await service_api.post(f"/restructuring-plans/{plan_id}/roster/intake")
    again = await service_api.post(f"/restructuring-plans/{plan_id}/roster/intake")
    assert first.status_code == 200 and len(first.json()["case_ids"]) == 3
    assert body(again)["case_ids"] == first.json()["case_ids"] and again.json()["repeated"] is True
    final = await intake_api.put(f"/restructuring-plans/{plan_id}/roster", json=batch(2, "roster-2"))
    assert final.status_code == 409 and final.json()["error"] == "roster_final"


async def test_a_vote_reminder_is_sent_once_per_key_and_only_while_a_vote_is_awaited(
    intake_api, service_api, plan_id
):
    reminder = {"reminder_key": f"{plan_id}-r1-d7", "revision": 1, "days_left": 7}
    sent = await service_api.post(f"/restructuring-plans/{plan_id}/vote-reminders", json=reminder)
    repeated = await service_api.post(f"/restructuring-plans/{plan_id}/vote-reminders", json=reminder)
    assert (sent.status_code, repeated.status_code) == (201, 200) and repeated.json()["repeated"] is True
    await intake_api.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    late = {"reminder_key": f"{plan_id}-r1-d1", "revision": 1, "days_left": 1}
    refused = await service_api.post(f"/restructuring-plans/{plan_id}/vote-reminders", json=late)
    assert refused.status_code == 409 and refused.json()["error"] == "plan_not_awaiting_vote"


async def test_a_vote_deadline_in_the_past_is_refused(intake_api):
    late = PLAN | {"congress_vote_deadline": "2020-01-01"}
    response = await intake_api.post("/restructuring-plans", json=late)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "congress_vote_deadline"


async def test_the_voting_rule_is_a_setting(intake_database_url):
    policy = IntakePolicy(congress_voting_rule=VotingRule.TWO_THIRDS_OF_ALL_MEMBERS)
    app = create_app(
        ServiceSettings(database_url=intake_database_url), policy, token_verifier=ISSUER.verifier()
    )
    async with serving(app) as intake:
        plan_id = body(await intake.supervisor.post("/restructuring-plans", json=PLAN), 201)["plan_id"]
        voted = await intake.supervisor.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    assert body(voted)["status"] == "rejected", "70 of 120 is more than half but less than two thirds"


async def test_a_supervisor_of_one_street_takes_in_only_workers_of_that_street(intake, plan_id):
    await intake.supervisor.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    async with intake.caller(staff("supervisor", street_code="HP")) as other_street:
        refused = await other_street.post(f"/restructuring-plans/{plan_id}/intake", json=batch(3))
    assert refused.status_code == 403 and refused.json()["error"] == "case_out_of_reach"
    assert (await intake.assistant.get(f"/restructuring-plans/{plan_id}")).status_code == 403
