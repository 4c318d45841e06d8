"""What the training API refuses, with which code, and that a refusal writes nothing (both engines)."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from contracts.events.intake import Agency, CaseClosed, CaseReopened, ClosureReason, ConsentWithdrawn
from services.training.models import KnownConsent
from tests.http_checks import body
from tests.integration.training.support import (
    COOKING,
    PROVIDER,
    accredited_provider,
    as_provider,
    as_supervisor,
    class_body,
    course,
    deliver,
    enrol,
    open_case,
    outbox_events,
    publish,
)


@pytest.fixture
async def cooking_class(training_api) -> dict:
    provider_id = await accredited_provider(training_api)
    return await publish(training_api, provider_id, await course(training_api), capacity=2, sessions=3)


async def test_an_unknown_case_is_refused_naming_the_field(training_api, training_engine, cooking_class):
    before = len(await outbox_events(training_engine))
    response = await enrol(training_api, cooking_class["class_id"], "0190ffff-0000-7000-8000-000000000000")
    assert response.status_code == 422
    assert response.json()["error"] == "case_unknown"
    assert response.json()["errors"] == [{"field": "case_id", "reason": "no such case has been registered"}]
    assert len(await outbox_events(training_engine)) == before


async def test_a_closed_case_is_refused_until_reopened(training_api, intake_feed, cooking_class):
    case_id = await open_case(intake_feed)
    closed_at = datetime(2026, 11, 1, tzinfo=UTC)
    await deliver(
        intake_feed, CaseClosed(case_id=case_id, reason=ClosureReason.MOVED_AWAY, closed_at=closed_at)
    )
    refused = await enrol(training_api, cooking_class["class_id"], case_id)
    assert (refused.status_code, refused.json()["error"]) == (409, "case_closed")

    await deliver(intake_feed, CaseReopened(case_id=case_id, reason="came back", reopened_at=closed_at))
    assert (await enrol(training_api, cooking_class["class_id"], case_id)).status_code == 201


@pytest.mark.parametrize(
    "consent",
    [
        {"consent": False},
        {"agency": Agency.BANK},
        {"expires_on": date(2026, 11, 30)},
    ],
    ids=["none", "another agency", "expired"],
)
async def test_enrolment_needs_a_consent_to_the_labour_bureau_in_force(
    training_api, intake_feed, cooking_class, consent
):
    case_id = await open_case(intake_feed, **consent)
    response = await enrol(training_api, cooking_class["class_id"], case_id)
    assert (response.status_code, response.json()["error"]) == (409, "consent_required")


async def test_a_withdrawn_consent_stops_enrolment(training_api, training_engine, intake_feed, cooking_class):
    case_id = await open_case(intake_feed)
    consent_id = await _consent_id_of(training_engine, case_id)
    await deliver(
        intake_feed,
        ConsentWithdrawn(
            case_id=case_id,
            consent_id=consent_id,
            agency=Agency.LABOUR_BUREAU,
            withdrawn_at=datetime(2026, 11, 15, tzinfo=UTC),
        ),
    )
    response = await enrol(training_api, cooking_class["class_id"], case_id)
    assert body(response, 409)["error"] == "consent_required"


async def _consent_id_of(engine, case_id: str) -> str:
    async with engine.connect() as connection:
        found = await connection.scalar(
            select(KnownConsent.consent_id).where(KnownConsent.case_id == case_id)
        )
    assert found is not None
    return str(found)


async def test_enrolment_outside_the_window_is_refused(training_api, intake_feed, cooking_class, clock):
    case_id = await open_case(intake_feed)
    clock.now = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    response = await enrol(training_api, cooking_class["class_id"], case_id)
    assert response.status_code == 409
    assert response.json()["error"] == "enrolment_window_closed"
    assert response.json()["details"] == {
        "enrolment_opens_on": "2026-11-20",
        "enrolment_closes_on": "2026-12-06",
    }


async def test_the_same_worker_cannot_hold_two_active_enrolments_in_a_class(
    training_api, intake_feed, cooking_class
):
    case_id = await open_case(intake_feed)
    first = await enrol(training_api, cooking_class["class_id"], case_id)
    again = await enrol(training_api, cooking_class["class_id"], case_id)
    assert again.status_code == 409
    assert again.json()["details"] == {"enrolment_id": body(first, 201)["enrolment_id"]}

    withdrawn = await training_api.post(
        f"/enrolments/{first.json()['enrolment_id']}/withdrawal", json={"reason": "health"}
    )
    assert withdrawn.status_code == 200
    twice = await training_api.post(
        f"/enrolments/{first.json()['enrolment_id']}/withdrawal", json={"reason": "health"}
    )
    assert (twice.status_code, twice.json()["error"]) == (409, "enrolment_transition_refused")
    assert (await enrol(training_api, cooking_class["class_id"], case_id)).status_code == 201


async def test_withdrawal_reason_is_required_and_class_concluded_is_reserved(
    training_api, intake_feed, cooking_class
):
    enrolment = body(await enrol(training_api, cooking_class["class_id"], await open_case(intake_feed)), 201)
    url = f"/enrolments/{enrolment['enrolment_id']}/withdrawal"
    missing = await training_api.post(url, json={})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    reserved = await training_api.post(url, json={"reason": "class_concluded"})
    assert reserved.status_code == 422 and reserved.json()["errors"][0]["field"] == "reason"


async def test_only_an_accredited_provider_publishes_classes(training_api, training_engine):
    course_id = await course(training_api)
    pending = body(await training_api.post("/providers", json=PROVIDER, headers=as_supervisor()), 201)
    refused = await training_api.post(
        f"/providers/{pending['provider_id']}/classes",
        json=class_body(course_id),
        headers=as_provider(pending["provider_id"]),
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "provider_not_accredited")

    provider_id = await accredited_provider(training_api, name="东风社区学校", kind="community_school")
    suspended = await training_api.post(
        f"/providers/{provider_id}/accreditation", json={"action": "suspend"}, headers=as_supervisor()
    )
    assert body(suspended)["accreditation"] == "suspended"
    again = await training_api.post(
        f"/providers/{provider_id}/classes", json=class_body(course_id), headers=as_provider(provider_id)
    )
    assert body(again, 409)["error"] == "provider_not_accredited"
    revoked = await training_api.post(
        f"/providers/{provider_id}/accreditation", json={"action": "revoke"}, headers=as_supervisor()
    )
    assert body(revoked)["accreditation"] == "revoked"
    reinstated = await training_api.post(
        f"/providers/{provider_id}/accreditation",
        json={"action": "reinstate", "valid_until": "2027-06-30"},
        headers=as_supervisor(),
    )
    assert (reinstated.status_code, reinstated.json()["error"]) == (409, "accreditation_transition_refused")
    assert await outbox_events(training_engine, "training.class_scheduled.v1") == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"course_id": "short"}, "course_id"),
        ({"capacity": 0}, "capacity"),
        ({"sessions": []}, "sessions"),
        ({"enrolment_closes_on": "2026-11-01"}, "body"),
        ({"venue": "x", "surprise": 1}, "surprise"),
    ],
)
async def test_a_bad_class_is_refused_naming_the_field(training_api, change, field):
    provider_id = await accredited_provider(training_api)
    body = class_body(await course(training_api)) | change
    response = await training_api.post(
        f"/providers/{provider_id}/classes", json=body, headers=as_provider(provider_id)
    )
    assert response.status_code == 422
    assert response.json()["error"] == "validation_failed"
    assert field in {error["field"] for error in response.json()["errors"]}


async def test_sessions_need_a_time_zone_and_must_end_after_they_start(training_api):
    provider_id = await accredited_provider(training_api)
    payload = class_body(await course(training_api))
    payload["sessions"][0]["starts_at"] = "2026-12-07T09:00:00"
    payload["sessions"][1]["ends_at"] = payload["sessions"][1]["starts_at"]
    response = await training_api.post(
        f"/providers/{provider_id}/classes", json=payload, headers=as_provider(provider_id)
    )
    fields = {error["field"] for error in body(response, 422)["errors"]}
    assert response.status_code == 422 and {"sessions.0.starts_at", "sessions.1"} <= fields


async def test_a_provider_reaches_only_its_own_classes(training_api, intake_feed, cooking_class, clock):
    other = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    enrolment = body(await enrol(training_api, cooking_class["class_id"], await open_case(intake_feed)), 201)
    held = cooking_class["sessions"][0]
    clock.now = datetime.fromisoformat(held["starts_at"])
    marks = {"marks": [{"enrolment_id": enrolment["enrolment_id"], "present": True}]}
    foreign = await training_api.post(
        f"/providers/{other}/classes/{cooking_class['class_id']}/sessions/{held['session_id']}/attendance",
        json=marks,
        headers=as_provider(other),
    )
    assert (foreign.status_code, foreign.json()["error"]) == (404, "class_not_found")
    results = await training_api.post(
        f"/providers/{other}/classes/{cooking_class['class_id']}/results",
        json={"assessments": []},
        headers=as_provider(other),
    )
    assert results.status_code == 404


async def test_attendance_waits_for_the_session_and_names_strangers(
    training_api, intake_feed, cooking_class, clock
):
    provider_id = cooking_class["provider_id"]
    enrolment = body(await enrol(training_api, cooking_class["class_id"], await open_case(intake_feed)), 201)
    held = cooking_class["sessions"][1]
    provider = as_provider(provider_id)
    class_url = f"/providers/{provider_id}/classes/{cooking_class['class_id']}"
    url = f"{class_url}/sessions/{held['session_id']}/attendance"
    marks = [{"enrolment_id": enrolment["enrolment_id"], "present": True}]
    early = await training_api.post(url, json={"marks": marks}, headers=provider)
    assert (early.status_code, early.json()["error"]) == (409, "session_not_started")

    clock.now = datetime.fromisoformat(held["starts_at"])
    stranger = {"enrolment_id": "0190ffff-0000-7000-8000-000000000000", "present": True}
    mixed = await training_api.post(url, json={"marks": [*marks, stranger]}, headers=provider)
    assert mixed.status_code == 422
    assert mixed.json()["errors"] == [
        {"field": "marks.1.enrolment_id", "reason": "not enrolled in this class"}
    ]
    duplicate = await training_api.post(url, json={"marks": marks + marks}, headers=provider)
    assert duplicate.status_code == 422

    assert body(await training_api.post(url, json={"marks": marks}, headers=provider))["present"] == 1
    corrected = await training_api.post(
        url, json={"marks": [{**marks[0], "present": False}]}, headers=provider
    )
    assert body(corrected)["present"] == 0


async def test_results_need_every_assessment_and_conclude_the_class_once(
    training_api, training_engine, intake_feed, cooking_class, clock
):
    provider_id, class_id = cooking_class["provider_id"], cooking_class["class_id"]
    enrolment = body(await enrol(training_api, class_id, await open_case(intake_feed)), 201)
    url, provider = f"/providers/{provider_id}/classes/{class_id}/results", as_provider(provider_id)
    early = await training_api.post(url, json={"assessments": []}, headers=provider)
    assert (early.status_code, early.json()["error"]) == (409, "class_not_finished")

    clock.now = datetime(2026, 12, 20, tzinfo=UTC)
    missing = await training_api.post(url, json={"assessments": []}, headers=provider)
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"field": "assessments", "reason": f"no result for enrolment {enrolment['enrolment_id']}"}
    ]
    assert await outbox_events(training_engine, "training.failed.v1") == []

    done = await training_api.post(
        url,
        json={"assessments": [{"enrolment_id": enrolment["enrolment_id"], "passed": True}]},
        headers=provider,
    )
    assert body(done)["failed"][0]["failure_reason"] == "attendance_below_minimum"
    again = await training_api.post(url, json={"assessments": []}, headers=provider)
    assert (again.status_code, again.json()["error"]) == (409, "class_transition_refused")
    late = await enrol(training_api, class_id, await open_case(intake_feed))
    assert body(late, 409)["error"] == "class_concluded"


async def test_course_codes_are_unique_and_inputs_checked(training_api):
    await course(training_api)
    taken = await training_api.post("/courses", json={**COOKING, "title": "again"}, headers=as_supervisor())
    assert (taken.status_code, taken.json()["error"]) == (409, "course_code_taken")
    bad = await training_api.post(
        "/courses",
        json={**COOKING, "code": "NEW-1", "occupation_area": "astronomy", "hours": 0},
        headers=as_supervisor(),
    )
    assert bad.status_code == 422
    assert {error["field"] for error in bad.json()["errors"]} == {"occupation_area", "hours"}
    unknown = await training_api.get("/courses/0190ffff-0000-7000-8000-000000000000")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "course_not_found")


async def test_the_catalogue_and_classes_can_be_browsed_and_filtered(training_api, intake_feed, clock):
    school = await accredited_provider(training_api)
    club = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    cooking = await course(training_api)
    housekeeping = await course(
        training_api,
        code="HOUSE-3",
        title="家政服务员",
        occupation_area="housekeeping",
        certificate_name="家政证",
    )
    open_now = await publish(training_api, school, cooking)
    later = await publish(
        training_api, club, housekeeping, enrolment_opens_on="2026-12-03", enrolment_closes_on="2026-12-06"
    )

    providers = body(await training_api.get("/providers"))
    assert sorted(p["name"] for p in providers) == ["中山区职业技术学校", "工人俱乐部"]
    assert body(await training_api.get(f"/providers/{club}"))["accreditation"] == "accredited"
    housekeeping_only = body(await training_api.get("/courses", params={"occupation_area": "housekeeping"}))
    assert [c["course_id"] for c in housekeeping_only] == [housekeeping]
    assert housekeeping_only[0]["completion_rule"] == {"minimum_attendance": 0.8, "assessment_required": True}

    def ids(response) -> list[str]:
        return [c["class_id"] for c in body(response)]

    assert ids(await training_api.get("/classes", params={"provider_id": club})) == [later["class_id"]]
    assert ids(await training_api.get("/classes", params={"occupation_area": "cooking"})) == [
        open_now["class_id"]
    ]
    taking = await training_api.get("/classes", params={"open_for_enrolment_on": "2026-12-01"})
    assert ids(taking) == [open_now["class_id"]]
    assert (await training_api.get("/classes", params={"status": "nonsense"})).status_code == 422
    assert (await training_api.get("/classes", params={"surprise": "1"})).status_code == 422

    case_id = await open_case(intake_feed)
    enrolled = body(await enrol(training_api, open_now["class_id"], case_id), 201)
    mine = body(await training_api.get(f"/cases/{case_id}/enrolments"))
    assert [e["enrolment_id"] for e in mine] == [enrolled["enrolment_id"]]
    listed = body(await training_api.get(f"/classes/{open_now['class_id']}/enrolments"))
    assert [e["case_id"] for e in listed] == [case_id]
    missing = await training_api.get("/classes/0190ffff-0000-7000-8000-000000000000/enrolments")
    assert (missing.status_code, missing.json()["error"]) == (404, "class_not_found")
