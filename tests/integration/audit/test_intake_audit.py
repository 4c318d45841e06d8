"""Intake records every read and change of a worker's personal data; the chain verifies and exports."""

import asyncio
import json
import uuid

import httpx

from services.common.audit import verify_exported
from tests.factories import assistant, registration
from tests.integration.audit.conftest import Issuer, tamper

ASSISTANT = {"X-Reemploy-Actor": "assistant-7", "X-Reemploy-Purpose": "re-employment guidance"}
RESTRUCTURING = {
    "enterprise_name": "红星纺织厂",
    "enterprise_code": "91110105MA01ABCD2X",
    "affected_workers": 2,
    "measures": [{"kind": "re_employment_service", "description": "进入再就业服务中心", "workers": 2}],
    "congress_members": 10,
}
PASSING = {"members_present": 10, "votes_for": 8, "votes_against": 2, "abstentions": 0}
PROFILE = {"education": "senior_secondary", "skills": [{"name": "housekeeping", "level": "advanced"}]}


async def exported(intake: httpx.AsyncClient) -> list[dict]:
    response = await intake.get("/audit/export", headers={"X-Reemploy-Actor": "auditor-1"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert verify_exported(response.text.splitlines()).broken is None
    return [json.loads(line) for line in response.text.splitlines()]


def summary(entries: list[dict]) -> list[tuple[str, str, str]]:
    return [(entry["action"], entry["resource_type"], entry["resource_id"]) for entry in entries]


async def test_reads_and_changes_of_a_worker_say_who_what_why_and_when(intake: httpx.AsyncClient):
    registered = await intake.post(
        "/workers", json=registration(), headers={**ASSISTANT, "X-Correlation-ID": "corr-registration"}
    )
    case_id = registered.json()["case_id"]
    worker = f"/workers/{case_id}"
    calls = [
        ("GET", worker, {}),
        ("GET", "/workers", {"params": {"community_code": "ZS-01"}}),
        ("PUT", f"{worker}/profile", {"json": {"profile": PROFILE}}),
        ("GET", f"{worker}/profile", {}),
        ("GET", f"{worker}/profile/versions", {}),
        (
            "POST",
            f"{worker}/consents",
            {"json": {"agency": "tax", "purpose": "tax relief", "expires_on": "2030-01-01"}},
        ),
        ("GET", f"{worker}/consents", {}),
        ("POST", f"{worker}/closure", {"json": {"reason": "moved_away"}}),
        ("POST", f"{worker}/reopening", {"json": {"reason": "moved back"}}),
    ]
    for method, path, options in calls:
        response = await intake.request(method, path, headers=ASSISTANT, **options)
        assert response.status_code < 300, response.text
    consent_id = (await intake.get(f"{worker}/consents")).json()[0]["consent_id"]
    assert (
        await intake.post(f"{worker}/consents/{consent_id}/withdrawal", headers=ASSISTANT)
    ).status_code == 200

    entries = await exported(intake)
    assert summary(entries) == [
        ("create", "worker_case", case_id),
        ("read", "worker_case", case_id),
        ("read", "worker_case", case_id),
        ("create", "skills_profile", case_id),
        ("read", "skills_profile", case_id),
        ("read", "skills_profile", case_id),
        ("create", "consent", case_id),
        ("read", "consent", case_id),
        ("update", "worker_case", case_id),
        ("update", "worker_case", case_id),
        ("read", "consent", case_id),
        ("update", "consent", case_id),
        ("export", "audit_log", "audit_log"),
    ]
    first = entries[0]
    assert (first["actor"], first["actor_source"], first["purpose"]) == (
        "assistant-7",
        "header",
        "re-employment guidance",
    )
    assert first["correlation_id"] == "corr-registration"
    assert {"resident_id", "mobile", "full_name"} <= set(first["fields"])
    assert "sex" in entries[1]["fields"] and entries[8]["fields"] == ["assistant_id", "status"]
    unattributed = entries[10]
    assert (unattributed["actor"], unattributed["actor_source"], unattributed["purpose"]) == (
        "anonymous",
        "anonymous",
        "not stated",
    )
    assert entries[-1]["actor"] == "auditor-1"
    for secret in (registration()["mobile"], "王秀兰"):
        assert all(secret not in json.dumps(entry, ensure_ascii=False) for entry in entries)

    verified = (await intake.get("/audit/verify")).json()
    assert verified == {
        "ok": True,
        "records": len(entries),
        "head_seq": len(entries),
        "head_hash": entries[-1]["hash"],
        "broken": None,
    }


async def test_a_search_records_each_case_it_shows(intake: httpx.AsyncClient):
    case_ids = [(await intake.post("/workers", json=registration())).json()["case_id"] for _ in range(3)]
    page = await intake.get("/workers", params={"limit": 2, "sort": "registered"}, headers=ASSISTANT)
    assert [item["case_id"] for item in page.json()["items"]] == case_ids[:2]
    reads = [entry for entry in await exported(intake) if entry["action"] == "read"]
    assert [entry["resource_id"] for entry in reads] == case_ids[:2]


async def test_refused_requests_write_no_record(intake: httpx.AsyncClient, issuer: Issuer):
    body = registration()
    case_id = (await intake.post("/workers", json=body)).json()["case_id"]
    assert (await intake.post("/workers", json=body, headers=ASSISTANT)).status_code == 409
    assert (await intake.get(f"/workers/{uuid.uuid4()}", headers=ASSISTANT)).status_code == 404
    closure = {"reason": "moved_away"}
    assert (await intake.post(f"/workers/{case_id}/closure", json=closure)).status_code == 200
    assert (await intake.post(f"/workers/{case_id}/closure", json=closure)).status_code == 409
    assert (await intake.get(f"/workers/{case_id}/profile")).status_code == 404

    too_long = await intake.get(f"/workers/{case_id}", headers={"X-Reemploy-Purpose": "x" * 201})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "header.X-Reemploy-Purpose"
    forged = await intake.get(f"/workers/{case_id}", headers={"Authorization": "Bearer not-a-jwt"})
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_token"
    foreign = await intake.get(
        f"/workers/{case_id}", headers={"Authorization": f"Bearer {Issuer().token()}", **ASSISTANT}
    )
    assert foreign.status_code == 401

    assert summary((await exported(intake))[:-1]) == [
        ("create", "worker_case", case_id),
        ("update", "worker_case", case_id),
        ("read", "skills_profile", case_id),
    ]


async def test_a_verified_token_names_the_actor_over_the_headers(intake: httpx.AsyncClient, issuer: Issuer):
    case_id = (await intake.post("/workers", json=registration())).json()["case_id"]
    token = issuer.token(sub="staff-9", role="labour_assistant")
    response = await intake.get(
        f"/workers/{case_id}", headers={"Authorization": f"Bearer {token}", **ASSISTANT}
    )
    assert response.status_code == 200
    read = (await exported(intake))[1]
    assert (read["actor"], read["actor_source"], read["actor_role"], read["purpose"]) == (
        "staff-9",
        "token",
        "labour_assistant",
        "re-employment guidance",
    )
    client_token = issuer.token(sub="client-tax", client_kind="agency", agency="tax_bureau")
    await intake.get(f"/workers/{case_id}", headers={"Authorization": f"Bearer {client_token}"})
    assert (await exported(intake))[-2]["actor_client"] == "agency:tax_bureau"


async def test_concurrent_clients_keep_one_chain(intake: httpx.AsyncClient):
    case_id = (await intake.post("/workers", json=registration())).json()["case_id"]
    responses = await asyncio.gather(
        *(
            intake.get(f"/workers/{case_id}", headers={"X-Reemploy-Actor": f"assistant-{n}"})
            for n in range(20)
        )
    )
    assert all(response.status_code == 200 for response in responses)
    verified = (await intake.get("/audit/verify")).json()
    assert verified["ok"] and verified["records"] == 21


async def test_verify_names_the_first_tampered_record(intake: httpx.AsyncClient, intake_engine):
    case_id = (await intake.post("/workers", json=registration())).json()["case_id"]
    for _ in range(3):
        await intake.get(f"/workers/{case_id}", headers=ASSISTANT)
    await tamper(intake_engine, "UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 3")
    verified = (await intake.get("/audit/verify")).json()
    assert verified["ok"] is False and verified["records"] == 2
    assert verified["broken"] == {
        "seq": 3,
        "problem": "changed",
        "detail": "record 3 does not match its hash",
    }


async def test_guidance_plan_history_reassignment_and_bulk_intake_are_recorded(intake: httpx.AsyncClient):
    helper = (await intake.post("/assistants", json=assistant())).json()["assistant_id"]
    case_id = (await intake.post("/workers", json=registration())).json()["case_id"]
    another = (await intake.post("/assistants", json=assistant())).json()["assistant_id"]
    worker = f"/workers/{case_id}"
    held = {
        "kind": "career_guidance",
        "held_on": "2026-11-20",
        "assistant_id": helper,
        "notes": "谈了家政岗位",
    }
    calls = [
        ("POST", f"{worker}/guidance-sessions", {"json": held}),
        ("GET", f"{worker}/guidance-sessions", {}),
        ("POST", f"{worker}/plan", {"json": {"track": "job_search", "goals": ["三个月内就业"]}}),
        ("POST", f"{worker}/plan/agreement", {}),
        ("POST", f"{worker}/plan/approval", {"json": {"supervisor": "supervisor-1"}}),
        ("GET", f"{worker}/plan", {}),
        ("GET", f"{worker}/plan/revisions", {}),
        ("GET", f"{worker}/history", {}),
        ("PUT", f"{worker}/assistant", {"json": {"assistant_id": another}}),
    ]
    for method, path, options in calls:
        response = await intake.request(method, path, headers=ASSISTANT, **options)
        assert response.status_code < 300, response.text

    plan = await intake.post("/restructuring-plans", json=RESTRUCTURING)
    plan_id = plan.json()["plan_id"]
    assert (await intake.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)).status_code == 200
    roster = {"batch_id": "roster-1", "workers": [registration(), registration()]}
    assert (
        await intake.put(f"/restructuring-plans/{plan_id}/roster", json=roster, headers=ASSISTANT)
    ).is_success
    taken_in = await intake.post(
        f"/restructuring-plans/{plan_id}/roster/intake", headers={"X-Reemploy-Actor": "plan-workflow"}
    )
    opened = taken_in.json()["case_ids"]

    entries = await exported(intake)
    assert summary(entries[1:-1]) == [
        ("create", "guidance_session", case_id),
        ("read", "guidance_session", case_id),
        ("create", "plan", case_id),
        ("update", "plan", case_id),
        ("update", "plan", case_id),
        ("read", "plan", case_id),
        ("read", "plan", case_id),
        ("read", "status_history", case_id),
        ("update", "worker_case", case_id),
        ("create", "plan_roster", plan_id),
        *(("create", "worker_case", opened_id) for opened_id in opened),
    ]
    assert "notes" in entries[1]["fields"] and entries[-2]["actor"] == "plan-workflow"
