"""The agency's API: its own applications only, tokens naming it, decisions once, consent withdrawal."""

import asyncio
from datetime import timedelta
from typing import Any

from contracts.events.intake import Agency
from services.common import scopes
from tests.http_checks import body
from tests.integration.benefits.conftest import Benefits, loan_request, new_case

APPROVAL: dict[str, Any] = {
    "decision": "approved",
    "amount_yuan": 80_000,
    "term_months": 24,
    "guarantee": "municipal guarantee fund",
    "interest_subsidy_percent": 100,
}


async def _loan(benefits: Benefits) -> tuple[str, str, str]:
    case_id = new_case()
    consent_id = await benefits.consent(case_id, Agency.BANK)
    response = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )
    assert response.status_code == 201, response.text
    return case_id, consent_id, response.json()["application_id"]


async def test_the_bank_reads_and_approves_its_loan_application(benefits: Benefits) -> None:
    case_id, _, application_id = await _loan(benefits)
    bank = benefits.issuer.agency(Agency.BANK)

    listed = await benefits.http.get("/agencies/bank/applications?status=submitted", headers=bank)
    decided = await benefits.http.post(
        f"/agencies/bank/applications/{application_id}/decision", json=APPROVAL, headers=bank
    )

    assert listed.status_code == 200
    assert [a["application"]["full_name"] for a in listed.json()] == ["张伟"]
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "approved" and decided.json()["amount_yuan"] == 80_000
    [(topic, event)] = await benefits.events("benefits.application_decided.v1")
    assert topic == "benefits.events"
    assert event | {"decided_at": None} == {
        "case_id": case_id,
        "application_id": application_id,
        "kind": "micro_loan",
        "agency": "bank",
        "decision": "approved",
        "amount_yuan": 80_000,
        "decided_at": None,
        "term_months": 24,
        "interest_subsidy_percent": 100,
    }
    staff_view = body(
        await benefits.http.get(f"/applications/{application_id}", headers=benefits.assistant())
    )
    assert staff_view["guarantee"] == "municipal guarantee fund"


async def test_a_tax_bureau_caller_cannot_read_or_decide_the_loan_application(benefits: Benefits) -> None:
    _, _, application_id = await _loan(benefits)
    tax = benefits.issuer.agency(Agency.TAX)

    through_bank_path = await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=tax)
    through_own_path = await benefits.http.get(f"/agencies/tax/applications/{application_id}", headers=tax)
    own_list = await benefits.http.get("/agencies/tax/applications", headers=tax)
    deciding = await benefits.http.post(
        f"/agencies/tax/applications/{application_id}/decision", json=APPROVAL, headers=tax
    )

    assert through_bank_path.status_code == 403
    assert through_bank_path.json()["error"] == "agency_mismatch"
    assert through_own_path.status_code == 404
    assert body(own_list) == []
    assert deciding.status_code == 404
    assert await benefits.events("benefits.application_decided.v1") == []


async def test_tokens_are_required_with_the_right_scope(benefits: Benefits) -> None:
    _, _, application_id = await _loan(benefits)
    read_only = benefits.issuer.agency(Agency.BANK, scopes.BENEFITS_READ)

    anonymous = await benefits.http.get("/agencies/bank/applications")
    deciding = await benefits.http.post(
        f"/agencies/bank/applications/{application_id}/decision", json=APPROVAL, headers=read_only
    )
    operator_list = await benefits.http.get("/feed-deliveries", headers=read_only)

    assert anonymous.status_code == 401
    assert deciding.status_code == 403 and deciding.json()["error"] == "insufficient_scope"
    assert operator_list.status_code == 403


async def test_decisions_need_what_their_kind_needs(benefits: Benefits) -> None:
    _, _, application_id = await _loan(benefits)
    bank = benefits.issuer.agency(Agency.BANK)
    path = f"/agencies/bank/applications/{application_id}/decision"

    no_amount = await benefits.http.post(path, json={"decision": "approved"}, headers=bank)
    no_reason = await benefits.http.post(path, json={"decision": "rejected"}, headers=bank)
    rejected = await benefits.http.post(
        path, json={"decision": "rejected", "reason": "insufficient guarantee"}, headers=bank
    )

    assert no_amount.status_code == 422
    assert {e["field"] for e in no_amount.json()["errors"]} == {"amount_yuan", "term_months"}
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert rejected.status_code == 200 and rejected.json()["amount_yuan"] is None
    [(_, event)] = await benefits.events("benefits.application_decided.v1")
    assert event["decision"] == "rejected" and event["amount_yuan"] is None


async def test_concurrent_decisions_decide_once(benefits: Benefits) -> None:
    _, _, application_id = await _loan(benefits)
    bank = benefits.issuer.agency(Agency.BANK)
    path = f"/agencies/bank/applications/{application_id}/decision"
    rejection = {"decision": "rejected", "reason": "no guarantor"}

    responses = await asyncio.gather(
        *(benefits.http.post(path, json=APPROVAL if i % 2 else rejection, headers=bank) for i in range(4))
    )

    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409]
    assert len(await benefits.events("benefits.application_decided.v1")) == 1


async def test_after_consent_is_withdrawn_the_bank_sees_nothing_and_no_new_application_is_routed(
    benefits: Benefits,
) -> None:
    case_id, consent_id, application_id = await _loan(benefits)
    bank = benefits.issuer.agency(Agency.BANK)

    await benefits.withdraw_consent(case_id, Agency.BANK, consent_id)

    single = await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=bank)
    listed = await benefits.http.get("/agencies/bank/applications", headers=bank)
    deliveries = await benefits.http.get("/feed-deliveries", headers=benefits.issuer.operator())
    another = await benefits.http.post(
        "/applications", json=loan_request(case_id, application_key="loan-2"), headers=benefits.assistant()
    )
    assert single.status_code == 403 and single.json()["error"] == "consent_ended"
    assert body(listed) == []
    assert [(d["status"], d["last_error"]) for d in body(deliveries)] == [
        ("cancelled", "the worker withdrew consent to share with this agency")
    ]
    assert another.status_code == 409 and another.json()["error"] == "consent_required"


async def test_an_expired_consent_hides_the_application_from_the_agency(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK, days=1)
    application_id = body(
        await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant()),
        201,
    )["application_id"]
    bank = benefits.issuer.agency(Agency.BANK)
    assert (
        await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=bank)
    ).status_code == 200

    benefits.clock.advance(timedelta(days=2))

    expired = await benefits.http.get(f"/agencies/bank/applications/{application_id}", headers=bank)
    assert expired.status_code == 403 and expired.json()["error"] == "consent_ended"
    assert body(await benefits.http.get("/agencies/bank/applications", headers=bank)) == []
