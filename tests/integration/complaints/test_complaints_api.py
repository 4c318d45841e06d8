"""The complaints API on SQLite and PostgreSQL: filing, the state machine, privacy, events, concurrency."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx

from contracts.events.complaints import ComplaintCategory
from deploy.dev import components
from services.common import scopes
from services.common.settings import ServiceSettings
from services.complaints.app import create_app
from tests.http_checks import body
from tests.integration.complaints.conftest import (
    ASSISTANT,
    ISSUER,
    OFFICER,
    SUPERVISOR,
    WORKFLOW,
    OutboxReader,
    StationClock,
    agency,
    file_complaint,
    filing,
)

CONTRACT_FIELDS = {
    "complaints.complaint_opened.v1": {"case_id", "complaint_id", "category", "channel", "opened_at"},
    "complaints.complaint_status_changed.v1": {"case_id", "complaint_id", "category", "status", "changed_at"},
    "complaints.complaint_closed.v1": {"case_id", "complaint_id", "category", "outcome", "closed_at"},
}


async def test_filing_opens_a_complaint_and_publishes_no_details(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaint = await file_complaint(complaints_api)

    assert complaint["status"] == "open"
    assert complaint["employer"]["name"] == "宏达纺织有限公司"
    assert complaint["attachments"][0]["file_name"] == "payslips.pdf"
    assert [change["to_status"] for change in complaint["history"]] == ["open"]
    [opened] = await outbox.all()
    assert opened.type == "complaints.complaint_opened.v1"
    assert opened.subject == complaint["case_id"]
    assert set(opened.data) == CONTRACT_FIELDS[opened.type]
    assert opened.data["category"] == "unpaid_wages"
    assert opened.data["channel"] == "hotline"


async def test_every_category_and_channel_can_be_filed(complaints_api: httpx.AsyncClient) -> None:
    for category in ComplaintCategory:
        complaint = await file_complaint(complaints_api, category=category.value, channel="online")
        assert complaint["category"] == category.value
    referred = await file_complaint(
        complaints_api, channel="agency_referral", referring_agency="district legal aid centre"
    )
    assert referred["referring_agency"] == "district legal aid centre"


async def test_bad_filings_name_field_and_rule_and_write_nothing(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader, station_clock: StationClock
) -> None:
    cases: list[tuple[dict[str, Any], str | None]] = [
        ({"category": "late_bus"}, "category"),
        ({"narrative": "   "}, "narrative"),
        ({"employer": {"name": "X", "credit_code": "IOSVZ"}}, "employer.credit_code"),
        ({"employer": {"name": "X", "credit_code": "91110105MA01ABCD2X"}}, "employer.credit_code"),
        ({"channel": "agency_referral"}, "body"),
        ({"case_id": "short"}, "case_id"),
        ({"attachments": [{"file_name": "../x", "media_type": "pdf", "size_bytes": 0, "sha256": "z"}]}, None),
        ({"surprise": 1}, "surprise"),
        ({"received_at": (station_clock.now + timedelta(hours=1)).isoformat()}, "received_at"),
        ({"received_at": (station_clock.now - timedelta(days=31)).isoformat()}, "received_at"),
        ({"received_at": "2026-11-20T10:00:00"}, "received_at"),
    ]
    for override, field in cases:
        response = await complaints_api.post("/complaints", json=filing(**override), headers=ASSISTANT)
        assert response.status_code == 422, (override, response.text)
        body = response.json()
        assert body["error"] == "validation_failed"
        fields = {problem["field"] for problem in body["errors"]}
        if field is not None:
            assert field in fields, (override, fields)
        else:
            assert {"attachments.0.file_name", "attachments.0.size_bytes", "attachments.0.sha256"} <= fields
    malformed = await complaints_api.post(
        "/complaints", content=b"{", headers={**ASSISTANT, "content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert await outbox.all() == []


async def test_details_only_for_officers_supervisors_and_the_referred_agency(
    complaints_api: httpx.AsyncClient,
) -> None:
    complaint = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}"

    assert body(await complaints_api.get(url), 401)["error"] == "missing_token"
    assistant = await complaints_api.get(url, headers=ASSISTANT)
    assert (assistant.status_code, assistant.json()["error"]) == (403, "insufficient_scope")
    for headers in (WORKFLOW, ISSUER.headers(scopes.COMPLAINTS_READ, role="worker")):
        refused = await complaints_api.get(url, headers=headers)
        assert (refused.status_code, refused.json()["error"]) == (403, "complaint_access_refused")
    assert (await complaints_api.get(url, headers=agency("labour_inspection"))).status_code == 403
    assert (await complaints_api.get(url, headers=OFFICER)).status_code == 200
    assert (await complaints_api.get(url, headers=SUPERVISOR)).status_code == 200

    await complaints_api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)
    await complaints_api.post(
        f"{url}/referral", json={"agency": "labour_inspection", "note": "wage arrears"}, headers=OFFICER
    )
    assert (await complaints_api.get(url, headers=agency("labour_inspection"))).status_code == 200
    assert (await complaints_api.get(url, headers=agency("labour_arbitration"))).status_code == 403
    assert (
        await complaints_api.get(f"{url}/progress", headers=agency("labour_inspection"))
    ).status_code == 403
    progress = await complaints_api.get(f"{url}/progress", headers=WORKFLOW)
    assert progress.status_code == 200
    assert "narrative" not in progress.json()
    assert progress.json()["referred_to"] == "labour_inspection"


async def test_lists_are_for_the_station_and_the_agency_sees_only_its_referrals(
    complaints_api: httpx.AsyncClient,
) -> None:
    first = await file_complaint(complaints_api)
    second = await file_complaint(complaints_api, category="discrimination")
    for complaint, to in ((first, "labour_inspection"), (second, "labour_arbitration")):
        url = f"/complaints/{complaint['complaint_id']}"
        await complaints_api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)
        await complaints_api.post(f"{url}/referral", json={"agency": to, "note": "please"}, headers=OFFICER)

    assert (await complaints_api.get("/complaints", headers=agency("labour_inspection"))).status_code == 403
    page = body(await complaints_api.get("/complaints?category=discrimination", headers=SUPERVISOR))
    assert [c["complaint_id"] for c in page["complaints"]] == [second["complaint_id"]]
    first_page = body(await complaints_api.get("/complaints?limit=1", headers=OFFICER))
    after = first_page["next_after"]
    rest = body(await complaints_api.get(f"/complaints?limit=1&after={after}", headers=OFFICER))
    assert [first_page["complaints"][0]["complaint_id"], rest["complaints"][0]["complaint_id"]] == [
        first["complaint_id"],
        second["complaint_id"],
    ]
    assert rest["next_after"] is None
    bad = await complaints_api.get("/complaints?limit=0&status=lost&colour=red", headers=OFFICER)
    assert {e["field"] for e in body(bad, 422)["errors"]} == {"query.limit", "query.status", "query.colour"}

    inspection = await complaints_api.get(
        "/agencies/labour_inspection/referrals", headers=agency("labour_inspection")
    )
    assert [c["complaint_id"] for c in body(inspection)] == [first["complaint_id"]]
    assert "narrative" not in inspection.json()[0]
    pretending = await complaints_api.get(
        "/agencies/labour_inspection/referrals", headers=agency("labour_arbitration")
    )
    assert pretending.status_code == 403
    assert (await complaints_api.get("/agencies/tax/referrals", headers=agency("tax"))).status_code == 422


async def test_the_state_machine_refuses_moves_it_does_not_have(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaint = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}"

    refer_first = await complaints_api.post(
        f"{url}/referral", json={"agency": "labour_inspection", "note": "x"}, headers=OFFICER
    )
    assert refer_first.status_code == 409
    assert refer_first.json()["error"] == "complaint_transition_refused"
    assert refer_first.json()["details"] == {"status": "open"}
    resolve_first = await complaints_api.post(
        f"{url}/resolution", json={"outcome": "upheld", "summary": "paid"}, headers=OFFICER
    )
    assert resolve_first.status_code == 409
    answer_unreferred = await complaints_api.post(
        f"/agencies/labour_inspection/referrals/{complaint['complaint_id']}/answer",
        json={"finding": "upheld", "answer": "paid"},
        headers=agency("labour_inspection"),
    )
    assert answer_unreferred.status_code == 409
    assert answer_unreferred.json()["error"] == "referral_not_waiting"
    assert len(await outbox.all()) == 1


async def test_agency_not_competent_returns_it_then_the_station_resolves(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaint = await file_complaint(complaints_api, category="social_insurance_arrears")
    complaint_id = complaint["complaint_id"]
    url = f"/complaints/{complaint_id}"
    await complaints_api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)
    await complaints_api.post(
        f"{url}/referral", json={"agency": "labour_arbitration", "note": "x"}, headers=OFFICER
    )
    returned = await complaints_api.post(
        f"/agencies/labour_arbitration/referrals/{complaint_id}/answer",
        json={"finding": "not_competent", "answer": "Arrears go to the social insurance agency"},
        headers=agency("labour_arbitration"),
    )
    assert body(returned)["status"] == "acknowledged"
    await complaints_api.post(
        f"{url}/referral", json={"agency": "social_insurance", "note": "x"}, headers=OFFICER
    )
    await complaints_api.post(
        f"/agencies/social_insurance/referrals/{complaint_id}/answer",
        json={"finding": "not_competent", "answer": "The employer paid before we looked"},
        headers=agency("social_insurance"),
    )
    resolved = await complaints_api.post(
        f"{url}/resolution", json={"outcome": "upheld", "summary": "Arrears paid in full"}, headers=OFFICER
    )

    payload = body(resolved)
    assert payload["status"] == "closed"
    assert payload["outcome"] == "upheld"
    assert [r["finding"] for r in payload["referrals"]] == ["not_competent", "not_competent"]
    assert [h["to_status"] for h in payload["history"]] == [
        "open",
        "acknowledged",
        "referred",
        "acknowledged",
        "referred",
        "acknowledged",
        "closed",
    ]
    events = await outbox.all()
    assert [e.data.get("status") for e in events if e.type.endswith("status_changed.v1")] == [
        "acknowledged",
        "referred",
        "acknowledged",
        "referred",
        "acknowledged",
        "closed",
    ]
    assert events[-1].type == "complaints.complaint_closed.v1"
    assert events[-1].data["outcome"] == "upheld"
    for event in events:
        assert set(event.data) == CONTRACT_FIELDS[event.type]
    still_arbitration = await complaints_api.get(url, headers=agency("labour_arbitration"))
    assert still_arbitration.status_code == 200


async def test_withdrawal_and_satisfaction_once_closed(complaints_api: httpx.AsyncClient) -> None:
    complaint = await file_complaint(complaints_api, category="other")
    url = f"/complaints/{complaint['complaint_id']}"
    early = await complaints_api.post(f"{url}/satisfaction", json={"score": 4}, headers=OFFICER)
    assert body(early, 409)["error"] == "complaint_not_closed"
    withdrawn = await complaints_api.post(
        f"{url}/withdrawal", json={"reason": "Settled with the employer"}, headers=OFFICER
    )
    assert body(withdrawn)["outcome"] == "withdrawn"
    assert (
        await complaints_api.post(f"{url}/satisfaction", json={"score": 6}, headers=OFFICER)
    ).status_code == 422
    recorded = await complaints_api.post(
        f"{url}/satisfaction", json={"score": 4, "comment": "quick"}, headers=OFFICER
    )
    assert body(recorded)["satisfaction"]["score"] == 4
    again = await complaints_api.post(f"{url}/satisfaction", json={"score": 1}, headers=OFFICER)
    assert body(again, 409)["error"] == "satisfaction_already_recorded"
    not_via_resolution = await complaints_api.post(
        f"{url}/resolution", json={"outcome": "withdrawn", "summary": "x"}, headers=OFFICER
    )
    assert not_via_resolution.status_code == 422


async def test_notes_and_attachments_are_for_the_station(complaints_api: httpx.AsyncClient) -> None:
    complaint = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}"
    note = {"author_id": "officer-7", "text": "Called the employer's HR; promised payment by Friday."}
    assert (
        await complaints_api.post(f"{url}/notes", json=note, headers=agency("labour_inspection"))
    ).status_code == 403
    assert (await complaints_api.post(f"{url}/notes", json=note, headers=OFFICER)).status_code == 201
    attachment = {
        "file_name": "contract.jpg",
        "media_type": "image/jpeg",
        "size_bytes": 1000,
        "sha256": "b" * 64,
    }
    assert (
        await complaints_api.post(f"{url}/attachments", json=attachment, headers=OFFICER)
    ).status_code == 201
    details = body(await complaints_api.get(url, headers=OFFICER))
    assert details["notes"][0]["text"].startswith("Called")
    assert [a["file_name"] for a in details["attachments"]] == ["payslips.pdf", "contract.jpg"]


async def test_workflow_actions_are_idempotent_and_escalations_are_published(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaint = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}/actions"
    escalation = {
        "kind": "escalation",
        "deadline_kind": "acknowledgement",
        "level": "supervisor",
        "due_at": "2026-12-10T00:00:00+08:00",
    }
    first = await complaints_api.put(
        f"{url}/acknowledgement-1-escalation-supervisor", json=escalation, headers=WORKFLOW
    )
    again = await complaints_api.put(
        f"{url}/acknowledgement-1-escalation-supervisor", json=escalation, headers=WORKFLOW
    )
    other = await complaints_api.put(
        f"{url}/acknowledgement-1-escalation-supervisor",
        json={**escalation, "due_at": "2026-12-11T00:00:00+08:00"},
        headers=WORKFLOW,
    )
    by_officer = await complaints_api.put(f"{url}/other-key", json=escalation, headers=OFFICER)
    missing_level = await complaints_api.put(
        f"{url}/k2", json={**escalation, "level": None}, headers=WORKFLOW
    )
    early_check = await complaints_api.put(
        f"{url}/satisfaction-check",
        json={"kind": "satisfaction_check", "due_at": "2026-12-10T00:00:00+08:00"},
        headers=WORKFLOW,
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json() == again.json()
    assert other.json()["error"] == "complaint_action_conflict"
    assert by_officer.status_code == 403
    assert body(missing_level, 422)["errors"][0]["field"] == "level"
    assert body(early_check, 409)["error"] == "complaint_not_closed"
    details = body(await complaints_api.get(f"/complaints/{complaint['complaint_id']}", headers=SUPERVISOR))
    assert details["escalation_level"] == "supervisor"
    assert [a["action_key"] for a in details["actions"]] == ["acknowledgement-1-escalation-supervisor"]
    escalated = [e for e in await outbox.all() if e.type == "complaints.complaint_escalated.v1"]
    assert len(escalated) == 1
    assert set(escalated[0].data) == {"case_id", "complaint_id", "category", "level", "escalated_at"}
    by_level = await complaints_api.get("/complaints?escalation_level=supervisor", headers=SUPERVISOR)
    assert [c["complaint_id"] for c in body(by_level)["complaints"]] == [complaint["complaint_id"]]


async def test_concurrent_acknowledgements_one_wins(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaint = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}/acknowledgement"

    answers = await asyncio.gather(
        *(complaints_api.post(url, json={"officer_id": f"officer-{n}"}, headers=OFFICER) for n in range(8))
    )

    assert sorted(a.status_code for a in answers) == [200] + [409] * 7
    assert {a.json()["error"] for a in answers if a.status_code == 409} <= {
        "complaint_transition_refused",
        "complaint_changed_concurrently",
    }
    changes = [e for e in await outbox.all() if e.type == "complaints.complaint_status_changed.v1"]
    assert len(changes) == 1


async def test_concurrent_action_records_keep_one(complaints_api: httpx.AsyncClient) -> None:
    complaint = await file_complaint(complaints_api)
    url = f"/complaints/{complaint['complaint_id']}/actions/resolution-1-reminder"
    reminder = {"kind": "reminder", "deadline_kind": "resolution", "due_at": "2026-12-20T00:00:00+08:00"}

    answers = await asyncio.gather(
        *(complaints_api.put(url, json=reminder, headers=WORKFLOW) for _ in range(6))
    )

    assert sorted(a.status_code for a in answers) == [200] * 5 + [201]
    assert len({body(a, (200, 201))["recorded_at"] for a in answers}) == 1


async def test_an_agency_answer_racing_a_withdrawal_closes_the_complaint_once(
    complaints_api: httpx.AsyncClient, outbox: OutboxReader
) -> None:
    complaints = []
    for _ in range(3):
        complaint = await file_complaint(complaints_api)
        url = f"/complaints/{complaint['complaint_id']}"
        await complaints_api.post(f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER)
        await complaints_api.post(
            f"{url}/referral", json={"agency": "labour_inspection", "note": "x"}, headers=OFFICER
        )
        complaints.append(complaint["complaint_id"])

    for complaint_id in complaints:
        answer, withdrawal = await asyncio.gather(
            complaints_api.post(
                f"/agencies/labour_inspection/referrals/{complaint_id}/answer",
                json={"finding": "upheld", "answer": "paid"},
                headers=agency("labour_inspection"),
            ),
            complaints_api.post(
                f"/complaints/{complaint_id}/withdrawal", json={"reason": "settled"}, headers=OFFICER
            ),
        )
        assert sorted((answer.status_code, withdrawal.status_code)) == [200, 409]
        details = body(await complaints_api.get(f"/complaints/{complaint_id}", headers=OFFICER))
        winner = "upheld" if answer.status_code == 200 else "withdrawn"
        assert details["outcome"] == winner
        assert [h["to_status"] for h in details["history"]].count("closed") == 1
    closed = [e for e in await outbox.all() if e.type == "complaints.complaint_closed.v1"]
    assert len(closed) == 3


async def test_deadlines_without_temporal_are_503_and_filing_still_works(
    complaints_database_url: str,
) -> None:
    settings = ServiceSettings(
        database_url=complaints_database_url, temporal_address=f"127.0.0.1:{components.free_port()}"
    )
    app = create_app(settings, token_verifier=ISSUER.verifier())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://complaints") as api:
            complaint = await file_complaint(api)
            answer = await api.get(f"/complaints/{complaint['complaint_id']}/deadlines", headers=OFFICER)
    assert answer.status_code == 503
    assert answer.json()["error"] == "workflows_unavailable"
