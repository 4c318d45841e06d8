"""The issue's "done when", tried as a new user would, through the HTTP API on both engines.

A provider publishes a cooking class of 20 places; 25 workers enrol and 5 are waitlisted; two withdraw and two
are promoted; attendance is recorded; 18 complete and get certificates; the events that move their journeys
on are in the outbox; the statistics show the class.
"""

from datetime import datetime

from contracts.events.training import CertificateIssued, TrainingCompleted, TrainingFailed
from tests.http_checks import body
from tests.integration.training.support import (
    accredited_provider,
    as_provider,
    course,
    enrol,
    open_case,
    outbox_events,
    publish,
)

SESSIONS = 10


async def test_a_cooking_class_from_publication_to_certificates(
    training_api, training_engine, intake_feed, clock
):
    api = training_api
    provider_id = await accredited_provider(api)
    course_id = await course(api)
    published = await publish(api, provider_id, course_id, capacity=20, sessions=SESSIONS)
    class_id = published["class_id"]
    assert published["places_left"] == 20 and published["occupation_area"] == "cooking"
    assert len(published["sessions"]) == SESSIONS

    cases = [await open_case(intake_feed) for _ in range(25)]
    enrolments = [(await enrol(api, class_id, case_id)) for case_id in cases]
    assert all(response.status_code == 201 for response in enrolments), enrolments[-1].text
    bodies = [body(response, 201) for response in enrolments]
    assert [payload["status"] for payload in bodies] == ["enrolled"] * 20 + ["waitlisted"] * 5
    assert [payload["waitlist_position"] for payload in bodies[20:]] == [1, 2, 3, 4, 5]
    full = body(await api.get(f"/classes/{class_id}"))
    assert (full["enrolled"], full["waitlisted"], full["places_left"]) == (20, 5, 0)

    for leaving in bodies[3:5]:
        response = await api.post(
            f"/enrolments/{leaving['enrolment_id']}/withdrawal", json={"reason": "found_work"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["withdrawn"]["status"] == "withdrawn"
    promoted = [body(await api.get(f"/enrolments/{payload['enrolment_id']}")) for payload in bodies[20:]]
    assert [payload["status"] for payload in promoted] == ["enrolled"] * 2 + ["waitlisted"] * 3
    assert [payload["waitlist_position"] for payload in promoted[2:]] == [1, 2, 3]
    after = body(await api.get(f"/classes/{class_id}"))
    assert (after["enrolled"], after["waitlisted"]) == (20, 3)

    class_list = body(await api.get(f"/classes/{class_id}/enrolments"))
    in_class = [payload["enrolment_id"] for payload in class_list if payload["status"] == "enrolled"]
    assert len(in_class) == 20
    rarely_there, failed_assessment = in_class[0], in_class[1]
    clock.advance(days=6)
    for number, held in enumerate(published["sessions"], start=1):
        clock.now = max(clock.now, datetime.fromisoformat(held["starts_at"]))
        marks = [
            {"enrolment_id": enrolment_id, "present": enrolment_id != rarely_there or number <= 5}
            for enrolment_id in in_class
        ]
        sheet = await api.post(
            f"/providers/{provider_id}/classes/{class_id}/sessions/{held['session_id']}/attendance",
            json={"marks": marks},
            headers=as_provider(provider_id),
        )
        assert sheet.status_code == 200, sheet.text
        assert sheet.json()["marked"] == 20

    clock.advance(hours=4)
    results = await api.post(
        f"/providers/{provider_id}/classes/{class_id}/results",
        json={
            "assessments": [
                {"enrolment_id": enrolment_id, "passed": enrolment_id != failed_assessment}
                for enrolment_id in in_class
            ]
        },
        headers=as_provider(provider_id),
    )
    assert results.status_code == 200, results.text
    outcome = results.json()
    assert len(outcome["completed"]) == 18 and len(outcome["failed"]) == 2
    reasons = {payload["enrolment_id"]: payload["failure_reason"] for payload in outcome["failed"]}
    assert reasons == {rarely_there: "attendance_below_minimum", failed_assessment: "assessment_failed"}
    numbers = [payload["certificate_number"] for payload in outcome["completed"]]
    assert len(set(numbers)) == 18 and all(number.startswith("RT-2026-") for number in numbers)
    assert all(payload["attendance_rate"] == 1.0 for payload in outcome["completed"])

    worker = outcome["completed"][0]
    certificates = body(await api.get(f"/cases/{worker['case_id']}/certificates"))
    assert [c["certificate_number"] for c in certificates] == [worker["certificate_number"]]
    verified = body(await api.get(f"/certificates/{worker['certificate_number']}"))
    assert verified["certificate_name"] == "中式烹调师四级证书" and verified["case_id"] == worker["case_id"]
    leftovers = [body(await api.get(f"/enrolments/{payload['enrolment_id']}")) for payload in promoted[2:]]
    assert {(payload["status"], payload["withdrawal_reason"]) for payload in leftovers} == {
        ("withdrawn", "class_concluded")
    }

    completed = await outbox_events(training_engine, TrainingCompleted.event_type)
    assert sorted(envelope["subject"] for envelope in completed) == sorted(
        b["case_id"] for b in outcome["completed"]
    )
    for envelope in completed:
        event = TrainingCompleted.model_validate(envelope["data"])
        assert (event.class_id, event.course_id, event.occupation_area) == (class_id, course_id, "cooking")
        assert envelope["source"] == "/services/training" and event.attendance_rate == 1.0
    issued = await outbox_events(training_engine, CertificateIssued.event_type)
    assert sorted(envelope["data"]["certificate_number"] for envelope in issued) == sorted(numbers)
    failed = await outbox_events(training_engine, TrainingFailed.event_type)
    assert {envelope["data"]["reason"] for envelope in failed} == {
        "attendance_below_minimum",
        "assessment_failed",
    }
    counts = {
        kind: len(await outbox_events(training_engine, f"training.{kind}.v1"))
        for kind in (
            "class_scheduled",
            "enrolled",
            "waitlisted",
            "withdrawn",
            "attendance_recorded",
            "class_concluded",
        )
    }
    assert counts == {
        "class_scheduled": 1,
        "enrolled": 22,
        "waitlisted": 5,
        "withdrawn": 5,
        "attendance_recorded": 20 * SESSIONS,
        "class_concluded": 1,
    }

    statistics = body(await api.get("/statistics", params={"group_by": "provider"}))
    assert statistics["totals"] == {
        "key": "all",
        "label": "all",
        "classes_held": 1,
        "person_times": 20,
        "completed": 18,
        "completion_rate": 0.9,
        "cost_yuan": 20 * 800,
    }
    assert [row["label"] for row in statistics["rows"]] == ["中山区职业技术学校"]
