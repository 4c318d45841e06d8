"""Benefits' audit log on SQLite and PostgreSQL: every read and change of a worker's application or agency
feed is recorded with the token's actor, refused requests record nothing, the chain verifies and exports,
and the records cannot be changed."""

import json
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from contracts.events.intake import Agency
from services.benefits.models import audit_log
from services.common.audit import verify_exported
from tests.http_checks import body
from tests.integration.benefits.conftest import Benefits, loan_request, new_case

PURPOSE = {"X-Reemploy-Purpose": "policy support for starting a business"}


async def records(benefits: Benefits) -> list[dict[str, Any]]:
    async with benefits.office.sessions() as session:
        rows = (await session.execute(select(audit_log).order_by(audit_log.c.seq))).mappings().all()
    return [dict(row) for row in rows]


def summary(rows: list[dict[str, Any]]) -> list[tuple[str, str, str, str | None]]:
    return [(row["action"], row["resource_type"], row["actor"], row["actor_client"]) for row in rows]


async def test_reads_and_changes_of_a_workers_data_are_recorded_with_the_token_actor(
    benefits: Benefits,
) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)
    assistant = {**benefits.assistant(), **PURPOSE}
    submitted = await benefits.http.post("/applications", json=loan_request(case_id), headers=assistant)
    application_id = body(submitted, 201)["application_id"]
    [created, fed] = await records(benefits)
    assert summary([created, fed]) == [
        ("create", "benefit_application", "staff-labour_assistant", None),
        ("create", "agency_feed", "staff-labour_assistant", None),
    ]
    assert (created["resource_id"], created["actor_source"], created["actor_role"]) == (
        case_id,
        "token",
        "labour_assistant",
    )
    assert {"full_name", "resident_id_masked"} <= set(json.loads(created["fields"]))
    assert {"full_name", "resident_id_masked"} <= set(json.loads(fed["fields"]))
    assert created["purpose"] == PURPOSE["X-Reemploy-Purpose"]

    bank = benefits.issuer.agency(Agency.BANK)
    await benefits.http.get(f"/applications/{application_id}", headers=assistant)
    await benefits.http.get("/applications", headers=assistant)
    await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=bank)
    await benefits.http.get("/agencies/bank/applications", headers=bank)
    decision = {"decision": "rejected", "reason": "no guarantor"}
    decided = await benefits.http.post(
        f"/agencies/bank/applications/{application_id}/decision", json=decision, headers=bank
    )
    assert decided.status_code == 200, decided.text
    after = (await records(benefits))[2:]
    assert summary(after) == [
        ("read", "benefit_application", "staff-labour_assistant", None),
        ("read", "benefit_application", "staff-labour_assistant", None),
        ("read", "agency_feed", "client-1", "agency:bank"),
        ("read", "agency_feed", "client-1", "agency:bank"),
        ("update", "benefit_application", "client-1", "agency:bank"),
        ("read", "agency_feed", "client-1", "agency:bank"),
    ]
    assert {row["resource_id"] for row in after} == {case_id}
    assert "full_name" in json.loads(after[2]["fields"])
    assert after[2]["purpose"] == "not stated"


async def test_refused_and_failed_requests_record_nothing(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)
    application_id = body(
        await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant()),
        201,
    )["application_id"]
    before = len(await records(benefits))
    elsewhere = benefits.assistant("community-elsewhere")
    tax = benefits.issuer.agency(Agency.TAX)
    refused = [
        await benefits.http.get(f"/applications/{application_id}", headers=elsewhere),
        await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=tax),
        await benefits.http.get(f"/agencies/tax/applications/{application_id}", headers=tax),
        await benefits.http.post(
            "/applications", json=loan_request(new_case()), headers=benefits.assistant()
        ),
        await benefits.http.post(
            f"/applications/{application_id}/withdrawal", json={"reason": ""}, headers=benefits.assistant()
        ),
    ]
    assert [response.status_code for response in refused] == [403, 403, 404, 403, 422]
    assert len(await records(benefits)) == before
    assert body(await benefits.http.get("/applications", headers=elsewhere)) == []
    assert len(await records(benefits)) == before


async def test_the_chain_verifies_exports_and_refuses_changes(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)
    await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant())
    auditor = benefits.issuer.staff_headers("admin")
    verified = await benefits.http.get("/audit/verify", headers=auditor)
    assert body(verified) | {"head_hash": "-"} == {
        "ok": True,
        "records": 2,
        "head_seq": 2,
        "head_hash": "-",
        "broken": None,
    }
    exported = await benefits.http.get("/audit/export", headers=auditor)
    lines = exported.text.splitlines()
    assert len(lines) == 3 and json.loads(lines[-1])["action"] == "export"
    assert json.loads(lines[-1])["actor"] == "staff-admin"
    walker = verify_exported(lines)
    assert walker.broken is None and walker.records == 3
    refused = await benefits.http.get("/audit/verify", headers=benefits.assistant())
    assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_scope")

    async with benefits.office.sessions() as session:
        for statement in ("UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
            with pytest.raises(DBAPIError):
                async with session.begin():
                    await session.execute(text(statement))
