"""Intake records every read and change of a worker's personal data; the chain verifies and exports."""

import asyncio
import json
import uuid

from services.common.audit import verify_exported
from tests import tokens
from tests.factories import assistant, registration
from tests.http_checks import body
from tests.integration.audit.conftest import tamper
from tests.integration.intake.support import HOME_COMMUNITY, ISSUER, Clients

PURPOSE = {"X-Reemploy-Purpose": "re-employment guidance"}


def assistant_7() -> dict[str, str]:
    """Labour assistant 7 of ZS-01's token, with the purpose they state (sent by the client without auth)."""
    return (
        ISSUER.staff_headers("labour_assistant", community_code=HOME_COMMUNITY, sub="assistant-7") | PURPOSE
    )


RESTRUCTURING = {
    "enterprise_name": "红星纺织厂",
    "enterprise_code": "91110105MA01ABCD2X",
    "affected_workers": 2,
    "measures": [{"kind": "re_employment_service", "description": "进入再就业服务中心", "workers": 2}],
    "congress_members": 10,
}
PASSING = {"members_present": 10, "votes_for": 8, "votes_against": 2, "abstentions": 0}
PROFILE = {"education": "senior_secondary", "skills": [{"name": "housekeeping", "level": "advanced"}]}


async def exported(intake: Clients) -> list[dict]:
    response = await intake.anonymous.get(
        "/audit/export", headers=ISSUER.staff_headers("admin", sub="auditor-1")
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert verify_exported(response.text.splitlines()).broken is None
    return [json.loads(line) for line in response.text.splitlines()]


def summary(entries: list[dict]) -> list[tuple[str, str, str]]:
    return [(entry["action"], entry["resource_type"], entry["resource_id"]) for entry in entries]


async def test_reads_and_changes_of_a_worker_say_who_what_why_and_when(intake: Clients):
    registered = await intake.anonymous.post(
        "/workers", json=registration(), headers={**assistant_7(), "X-Correlation-ID": "corr-registration"}
    )
    case_id = body(registered, 201)["case_id"]
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
        response = await intake.anonymous.request(method, path, headers=assistant_7(), **options)
        assert response.status_code < 300, response.text
    consent_id = body(await intake.assistant.get(f"{worker}/consents"))[0]["consent_id"]
    assert (
        await intake.anonymous.post(f"{worker}/consents/{consent_id}/withdrawal", headers=assistant_7())
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
        "token",
        "re-employment guidance",
    )
    assert first["correlation_id"] == "corr-registration"
    assert {"resident_id", "mobile", "full_name"} <= set(first["fields"])
    assert "sex" in entries[1]["fields"] and entries[8]["fields"] == ["assistant_id", "status"]
    unstated = entries[10]
    assert (unstated["actor"], unstated["actor_role"], unstated["purpose"]) == (
        "staff-labour_assistant",
        "labour_assistant",
        "not stated",
    )
    assert entries[-1]["actor"] == "auditor-1"
    for secret in (registration()["mobile"], "王秀兰"):
        assert all(secret not in json.dumps(entry, ensure_ascii=False) for entry in entries)

    verified = body(await intake.admin.get("/audit/verify"))
    assert verified == {
        "ok": True,
        "records": len(entries),
        "head_seq": len(entries),
        "head_hash": entries[-1]["hash"],
        "broken": None,
    }


async def test_a_search_records_each_case_it_shows(intake: Clients):
    case_ids = [
        body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"] for _ in range(3)
    ]
    page = await intake.assistant.get("/workers", params={"limit": 2, "sort": "registered"})
    assert [item["case_id"] for item in body(page)["items"]] == case_ids[:2]
    reads = [entry for entry in await exported(intake) if entry["action"] == "read"]
    assert [entry["resource_id"] for entry in reads] == case_ids[:2]


async def test_refused_requests_write_no_record(intake: Clients):
    payload = registration()
    case_id = body(await intake.assistant.post("/workers", json=payload), 201)["case_id"]
    assert (await intake.assistant.post("/workers", json=payload)).status_code == 409
    assert (await intake.assistant.get(f"/workers/{uuid.uuid4()}")).status_code == 404
    closure = {"reason": "moved_away"}
    assert (await intake.assistant.post(f"/workers/{case_id}/closure", json=closure)).status_code == 200
    assert (await intake.assistant.post(f"/workers/{case_id}/closure", json=closure)).status_code == 409
    assert (await intake.assistant.get(f"/workers/{case_id}/profile")).status_code == 404

    too_long = await intake.assistant.get(f"/workers/{case_id}", headers={"X-Reemploy-Purpose": "x" * 201})
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "header.X-Reemploy-Purpose"
    forged = await intake.anonymous.get(f"/workers/{case_id}", headers={"Authorization": "Bearer not-a-jwt"})
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_token"
    foreign = tokens.TestIssuer().staff_headers("labour_assistant", community_code=HOME_COMMUNITY)
    assert (await intake.anonymous.get(f"/workers/{case_id}", headers=foreign)).status_code == 401
    named = {"X-Reemploy-Actor": "assistant-7"}
    assert (await intake.anonymous.get(f"/workers/{case_id}", headers=named)).status_code == 401
    elsewhere = ISSUER.staff_headers("labour_assistant", community_code="HP-01")
    assert (await intake.anonymous.get(f"/workers/{case_id}", headers=elsewhere)).status_code == 403
    assert (await intake.assistant.get("/audit/export")).status_code == 403

    assert summary((await exported(intake))[:-1]) == [
        ("create", "worker_case", case_id),
        ("update", "worker_case", case_id),
        ("read", "skills_profile", case_id),
    ]


async def test_only_the_verified_token_names_the_actor(intake: Clients):
    case_id = body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"]
    token = ISSUER.staff_headers("labour_assistant", community_code=HOME_COMMUNITY, sub="staff-9")
    claimed = {"X-Reemploy-Actor": "somebody-else", "X-Reemploy-Role": "supervisor"}
    response = await intake.anonymous.get(f"/workers/{case_id}", headers=token | claimed | PURPOSE)
    assert response.status_code == 200
    read = (await exported(intake))[1]
    assert (read["actor"], read["actor_source"], read["actor_role"], read["purpose"]) == (
        "staff-9",
        "token",
        "labour_assistant",
        "re-employment guidance",
    )
    await intake.service.get(f"/workers/{case_id}")
    by_service = [entry for entry in await exported(intake) if entry["actor"] == "temporal-worker"]
    assert [(entry["actor_client"], entry["actor_role"]) for entry in by_service] == [("service", None)] * 2


async def test_a_full_resident_id_read_is_recorded_as_such(intake: Clients):
    case_id = body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"]
    assert body(await intake.assistant.get(f"/workers/{case_id}"))["resident_id"] is None
    assert body(await intake.supervisor.get(f"/workers/{case_id}"))["resident_id"] is not None
    entries = await exported(intake)
    reads = [(e["actor"], e["resource_type"], e["fields"]) for e in entries if e["action"] == "read"]
    assert reads[0][:2] == ("staff-labour_assistant", "worker_case") and "resident_id" not in reads[0][2]
    assert reads[1][:2] == ("staff-supervisor", "worker_case") and "resident_id" not in reads[1][2]
    assert reads[2] == ("staff-supervisor", "resident_id", ["resident_id"])
    assert len(reads) == 3


async def test_concurrent_clients_keep_one_chain(intake: Clients):
    case_id = body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"]
    responses = await asyncio.gather(
        *(
            intake.anonymous.get(
                f"/workers/{case_id}",
                headers=ISSUER.staff_headers(
                    "labour_assistant", community_code=HOME_COMMUNITY, sub=f"assistant-{n}"
                ),
            )
            for n in range(20)
        )
    )
    assert all(response.status_code == 200 for response in responses)
    verified = body(await intake.admin.get("/audit/verify"))
    assert verified["ok"] and verified["records"] == 21


async def test_verify_names_the_first_tampered_record(intake: Clients, intake_engine):
    case_id = body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"]
    for _ in range(3):
        await intake.assistant.get(f"/workers/{case_id}", headers=PURPOSE)
    await tamper(intake_engine, "UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 3")
    verified = body(await intake.admin.get("/audit/verify"))
    assert verified["ok"] is False and verified["records"] == 2
    assert verified["broken"] == {
        "seq": 3,
        "problem": "changed",
        "detail": "record 3 does not match its hash",
    }


async def test_guidance_plan_history_reassignment_and_bulk_intake_are_recorded(intake: Clients):
    helper = body(await intake.admin.post("/assistants", json=assistant()), 201)["assistant_id"]
    case_id = body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"]
    another = body(await intake.admin.post("/assistants", json=assistant()), 201)["assistant_id"]
    worker = f"/workers/{case_id}"
    held = {
        "kind": "career_guidance",
        "held_on": "2026-11-20",
        "assistant_id": helper,
        "notes": "谈了家政岗位",
    }
    calls = [
        (intake.assistant, "POST", f"{worker}/guidance-sessions", {"json": held}),
        (intake.assistant, "GET", f"{worker}/guidance-sessions", {}),
        (
            intake.assistant,
            "POST",
            f"{worker}/plan",
            {"json": {"track": "job_search", "goals": ["三个月内就业"]}},
        ),
        (intake.assistant, "POST", f"{worker}/plan/agreement", {}),
        (intake.supervisor, "POST", f"{worker}/plan/approval", {}),
        (intake.assistant, "GET", f"{worker}/plan", {}),
        (intake.assistant, "GET", f"{worker}/plan/revisions", {}),
        (intake.assistant, "GET", f"{worker}/history", {}),
        (intake.supervisor, "PUT", f"{worker}/assistant", {"json": {"assistant_id": another}}),
    ]
    for caller, method, path, options in calls:
        response = await caller.request(method, path, headers=PURPOSE, **options)
        assert response.status_code < 300, response.text

    plan = await intake.supervisor.post("/restructuring-plans", json=RESTRUCTURING)
    plan_id = body(plan, 201)["plan_id"]
    vote = await intake.supervisor.post(f"/restructuring-plans/{plan_id}/vote", json=PASSING)
    assert vote.status_code == 200
    roster = {"batch_id": "roster-1", "workers": [registration(), registration()]}
    assert (await intake.supervisor.put(f"/restructuring-plans/{plan_id}/roster", json=roster)).is_success
    taken_in = await intake.service.post(f"/restructuring-plans/{plan_id}/roster/intake")
    opened = body(taken_in)["case_ids"]

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
    assert "notes" in entries[1]["fields"] and entries[-2]["actor"] == "temporal-worker"
    assert entries[5]["actor"] == "staff-supervisor" and entries[5]["actor_role"] == "supervisor"
