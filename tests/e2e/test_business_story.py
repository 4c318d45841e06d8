"""A worker starts a business and the journey asks for the policy support it entitles her to.

Through the services' APIs and events only, on a real broker and the Temporal dev server: the journey applies
to benefits for tax relief and business registration on the worker's behalf. She consented to share with the
tax bureau only, so the tax bureau gets its application (name and masked ID, nothing else) and approves it,
and the journey's timeline shows the decision; the commerce bureau gets nothing, and the timeline says why.
Another agency's token cannot read the tax bureau's application.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from services.common import scopes
from tests.e2e.journey_story import ProgrammeInProcess, answer, eventually
from tests.factories import NETWORK, assistant, registration

BUSINESS = {
    "name": "王姐家常菜",
    "kind": "restaurant",
    "address": "中山街道东风社区 12 号",
    "plan": {"summary": "a small home-cooking restaurant", "startup_capital_yuan": 30000, "jobs_planned": 2},
    "expected_monthly_income_yuan": 4200,
}


def agency_headers(programme: ProgrammeInProcess, agency: str) -> dict[str, str]:
    """An agency's client-credentials token, as identity issues it."""
    return programme.issuer.headers(
        scopes.BENEFITS_READ,
        scopes.BENEFITS_DECIDE,
        sub=f"{agency}-bureau",
        client_kind="agency",
        agency=agency,
    )


async def test_a_business_start_brings_the_consented_support_and_the_journey_sees_the_decision(
    programme: ProgrammeInProcess,
) -> None:
    case_id = await registered_for_entrepreneurship(programme)
    await business_started(programme, case_id)

    tax = agency_headers(programme, "tax")
    application = await eventually(
        lambda: only_application(programme, "tax", tax), within=30, what="the tax bureau's application"
    )
    assert application["kind"] == "tax_relief" and application["business_kind"] == "restaurant"
    assert application["full_name"] == registration()["full_name"]
    assert "*" in application["resident_id_masked"]
    assert set(application) == {
        "application_id",
        "kind",
        "due_on",
        "routed_at",
        "full_name",
        "resident_id_masked",
        "business_kind",
    }, "the tax bureau gets what its purpose needs and nothing else"

    bank = agency_headers(programme, "bank")
    stolen = await programme.apis["benefits"].get(
        f"/agencies/tax/applications/{application['application_id']}", headers=bank
    )
    assert stolen.status_code == 403 and stolen.json()["error"] == "agency_mismatch"

    decision = {"decision": "approved", "reason": "self-employed re-employment tax relief, three years"}
    answer(
        await programme.apis["benefits"].post(
            f"/agencies/tax/applications/{application['application_id']}/decision", json=decision, headers=tax
        )
    )
    entries = await eventually(
        lambda: timeline_with(programme, case_id, "tax_relief from tax: approved"),
        within=30,
        what="the journey noting the tax bureau's decision",
    )
    assert any("business_registration: not applied" in entry["detail"] for entry in entries), entries
    commerce = agency_headers(programme, "commerce")
    assert (
        answer(await programme.apis["benefits"].get("/agencies/commerce/applications", headers=commerce))
        == []
    )


async def registered_for_entrepreneurship(programme: ProgrammeInProcess) -> str:
    intake = programme.intake
    for path, body in NETWORK:
        answer(await intake.post(path, json=body), 201)
    answer(await intake.post("/assistants", json=assistant()), 201)
    case_id: str = answer(await intake.post("/workers", json=registration()), 201)["case_id"]
    consent = {"agency": "tax", "purpose": "tax relief for self-employment", "expires_on": _in_days(365)}
    answer(await intake.post(f"/workers/{case_id}/consents", json=consent), 201)
    plan = f"/workers/{case_id}/plan"
    answer(await intake.post(plan, json={"track": "entrepreneurship", "goals": ["开一家家常菜馆"]}), 201)
    answer(await intake.post(f"{plan}/agreement"))
    answer(await intake.post(f"{plan}/approval", json={"supervisor": "张主任"}))
    return case_id


async def business_started(programme: ProgrammeInProcess, case_id: str) -> None:
    """Placement learns of the case from intake's events, then records the business and its start."""

    async def created() -> dict[str, Any] | None:
        response = await programme.placement.post("/businesses", json=BUSINESS | {"case_id": case_id})
        return dict(response.json()) if response.status_code == 201 else None

    business = await eventually(created, within=30, what="placement knowing the case")
    start = {"started_on": date.today().isoformat(), "licence_reference": "92110105MA01ABCD2X"}
    answer(await programme.placement.post(f"/businesses/{business['business_id']}/start", json=start))


async def only_application(
    programme: ProgrammeInProcess, agency: str, headers: dict[str, str]
) -> dict[str, Any] | None:
    response = await programme.apis["benefits"].get(f"/agencies/{agency}/applications", headers=headers)
    found = answer(response)
    return dict(found[0]["application"]) if found else None


async def timeline_with(
    programme: ProgrammeInProcess, case_id: str, text: str
) -> list[dict[str, Any]] | None:
    timeline = answer(await programme.intake.get(f"/workers/{case_id}/journey/timeline"))
    entries: list[dict[str, Any]] = timeline["entries"]
    return entries if any(text in entry["detail"] for entry in entries) else None


def _in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()
