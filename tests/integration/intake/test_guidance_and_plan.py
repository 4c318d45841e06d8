"""Guidance sessions and the re-employment plan through the API, on SQLite and PostgreSQL."""

import json

import pytest
from sqlalchemy import select

from services.intake.models import outbox
from tests.factories import assistant, registration
from tests.http_checks import body


@pytest.fixture
def intake_api(assistant_api):
    """The labour assistant of ZS-01 holds guidance sessions and proposes plans; a supervisor approves."""
    return assistant_api


@pytest.fixture
async def case(intake_api, admin_api) -> dict:
    helper = body(await admin_api.post("/assistants", json=assistant()), 201)["assistant_id"]
    registered = body(await intake_api.post("/workers", json=registration()), 201)
    return {"case_id": registered["case_id"], "assistant_id": helper}


async def test_guidance_sessions_are_recorded_on_the_case(intake_api, intake_engine, case):
    payload = {
        "kind": "career_guidance",
        "held_on": "2026-11-20",
        "assistant_id": case["assistant_id"],
        "attendees": ["王秀兰", "李娟"],
        "notes": "讨论了家政服务和社区岗位",
        "next_steps": ["报名家政培训班"],
    }
    recorded = await intake_api.post(f"/workers/{case['case_id']}/guidance-sessions", json=payload)
    assert recorded.status_code == 201, recorded.text
    listed = body(await intake_api.get(f"/workers/{case['case_id']}/guidance-sessions"))
    assert [(s["kind"], s["next_steps"]) for s in listed] == [("career_guidance", ["报名家政培训班"])]
    async with intake_engine.connect() as connection:
        payloads = [json.loads(p) for p in (await connection.execute(select(outbox.c.payload))).scalars()]
    published = [p["data"] for p in payloads if p["type"] == "intake.guidance_session_recorded.v1"]
    assert [(e["kind"], e["held_on"]) for e in published] == [("career_guidance", "2026-11-20")]
    assert "notes" not in published[0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "chat"}, "kind"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"assistant_id": "0" * 36}, "assistant_id"),
    ],
)
async def test_bad_guidance_sessions_name_the_field(intake_api, case, change, field):
    body = {"kind": "policy_briefing", "held_on": "2026-11-20", "assistant_id": case["assistant_id"]} | change
    response = await intake_api.post(f"/workers/{case['case_id']}/guidance-sessions", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_a_plan_is_proposed_agreed_approved_and_revised_with_history_kept(
    intake_api, supervisor_api, intake_engine, case
):
    plans = f"/workers/{case['case_id']}/plan"
    proposed = await intake_api.post(plans, json={"track": "training", "goals": ["完成家政服务培训"]})
    assert proposed.status_code == 201 and proposed.json()["status"] == "proposed"

    too_early = await supervisor_api.post(f"{plans}/approval")
    assert too_early.status_code == 409 and too_early.json()["error"] == "plan_transition_refused"

    assert body(await intake_api.post(f"{plans}/agreement"))["status"] == "agreed"
    assert body(await intake_api.post(f"{plans}/approval"), 403)["error"] == "insufficient_scope"
    approved = body(await supervisor_api.post(f"{plans}/approval"))
    assert approved["status"] == "approved" and approved["approved_by"] == "staff-supervisor"

    revised = await intake_api.post(plans, json={"track": "job_search", "goals": ["三个月内就业"]})
    assert body(revised, 201)["revision"] == 2 and revised.json()["status"] == "proposed"
    history = body(await intake_api.get(f"{plans}/revisions"))
    assert [(r["revision"], r["track"], r["status"]) for r in history] == [
        (1, "training", "approved"),
        (2, "job_search", "proposed"),
    ]
    assert body(await intake_api.get(plans))["revision"] == 2

    async with intake_engine.connect() as connection:
        payloads = [json.loads(p) for p in (await connection.execute(select(outbox.c.payload))).scalars()]
    changes = [
        (p["data"]["revision"], p["data"]["status"])
        for p in payloads
        if p["type"] == "intake.plan_status_changed.v1"
    ]
    assert changes == [(1, "proposed"), (1, "agreed"), (1, "approved"), (2, "proposed")]


async def test_a_plan_needs_goals_and_a_known_track(intake_api, case):
    plans = f"/workers/{case['case_id']}/plan"
    assert (await intake_api.post(plans, json={"track": "training", "goals": []})).status_code == 422
    assert (await intake_api.post(plans, json={"track": "lottery", "goals": ["x"]})).status_code == 422
    assert body(await intake_api.get(plans), 404)["error"] == "plan_not_proposed"
