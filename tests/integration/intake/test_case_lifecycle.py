"""Closing and re-opening a case on SQLite and PostgreSQL: one case per person, history kept."""

import pytest

from tests.factories import assistant, registration
from tests.http_checks import body


@pytest.fixture
def intake_api(assistant_api):
    """The labour assistant of ZS-01 closes and re-opens the cases of their community."""
    return assistant_api


PROFILE = {"profile": {"education": "vocational", "desired_occupations": ["cook"]}}


async def test_a_closed_case_is_reopened_with_its_history_and_records(intake_api, admin_api):
    helper = body(await admin_api.post("/assistants", json=assistant(capacity=1)), 201)["assistant_id"]
    payload = registration()
    case = body(await intake_api.post("/workers", json=payload), 201)
    case_id = case["case_id"]
    assert case["assistant_id"] == helper
    await intake_api.put(f"/workers/{case_id}/profile", json=PROFILE)

    closed = await intake_api.post(f"/workers/{case_id}/closure", json={"reason": "stable_employment"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    caseload = body(await intake_api.get(f"/assistants/{helper}/caseload"))
    assert caseload["open_cases"] == 0 and caseload["case_ids"] == []

    again = await intake_api.post("/workers", json=payload)
    assert again.status_code == 409 and again.json()["error"] == "case_closed"
    assert again.json()["details"]["case_id"] == case_id

    reopened = await intake_api.post(f"/workers/{case_id}/reopening", json={"reason": "job_ended"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert reopened.json()["assistant_id"] == helper
    assert body(await intake_api.get(f"/workers/{case_id}/profile"))["profile"]["desired_occupations"] == [
        "cook"
    ]
    history = body(await intake_api.get(f"/workers/{case_id}/history"))
    assert [(h["status"], h["reason"]) for h in history] == [
        ("open", "registered"),
        ("closed", "stable_employment"),
        ("open", "job_ended"),
    ]


async def test_closing_twice_or_reopening_an_open_case_is_refused(intake_api):
    case_id = body(await intake_api.post("/workers", json=registration()), 201)["case_id"]
    refused = await intake_api.post(f"/workers/{case_id}/reopening", json={"reason": "x"})
    assert refused.status_code == 409 and refused.json()["error"] == "case_transition_refused"
    await intake_api.post(f"/workers/{case_id}/closure", json={"reason": "moved_away"})
    twice = await intake_api.post(f"/workers/{case_id}/closure", json={"reason": "moved_away"})
    assert twice.status_code == 409
    unknown_reason = await intake_api.post(f"/workers/{case_id}/closure", json={"reason": "bored"})
    assert unknown_reason.status_code == 422 and unknown_reason.json()["errors"][0]["field"] == "reason"
