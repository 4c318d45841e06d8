"""Places freed by a case closed in intake, a cancelled class, and a retired course (both engines)."""

from datetime import UTC, datetime

import pytest

from contracts.events.intake import CaseClosed, ClosureReason
from tests.http_checks import body
from tests.integration.training.support import (
    accredited_provider,
    as_provider,
    as_supervisor,
    class_body,
    course,
    enrol,
    open_case,
    outbox_events,
    publish,
)


async def test_a_case_closed_in_intake_leaves_its_classes_and_the_next_worker_moves_up(
    training_api, training_engine, intake_feed
):
    provider_id = await accredited_provider(training_api)
    course_id = await course(training_api)
    small = (await publish(training_api, provider_id, course_id, capacity=1))["class_id"]
    other = (await publish(training_api, provider_id, course_id, capacity=1))["class_id"]
    leaving, waiting = await open_case(intake_feed), await open_case(intake_feed)
    held = body(await enrol(training_api, small, leaving), 201)
    queued = body(await enrol(training_api, small, waiting), 201)
    body(await enrol(training_api, other, waiting), 201)
    queued_elsewhere = body(await enrol(training_api, other, leaving), 201)
    assert (queued["status"], queued_elsewhere["status"]) == ("waitlisted", "waitlisted")

    closed = CaseClosed(
        case_id=leaving, reason=ClosureReason.STABLE_EMPLOYMENT, closed_at=datetime(2026, 12, 2, tzinfo=UTC)
    ).envelope(correlation_id="closing")
    assert await intake_feed(closed) == "applied"

    mine = {e["enrolment_id"]: e for e in body(await training_api.get(f"/cases/{leaving}/enrolments"))}
    assert {(e["status"], e["withdrawal_reason"]) for e in mine.values()} == {("withdrawn", "case_closed")}
    assert body(await training_api.get(f"/enrolments/{queued['enrolment_id']}"))["status"] == "enrolled"
    small_class = body(await training_api.get(f"/classes/{small}"))
    assert (small_class["enrolled"], small_class["waitlisted"]) == (1, 0)
    withdrawn = await outbox_events(training_engine, "training.withdrawn.v1")
    assert {(e["data"]["enrolment_id"], e["data"]["held_place"]) for e in withdrawn} == {
        (held["enrolment_id"], True),
        (queued_elsewhere["enrolment_id"], False),
    }
    assert {e["causationid"] for e in withdrawn} == {closed.id}
    promoted = [e for e in await outbox_events(training_engine, "training.enrolled.v1") if e["causationid"]]
    assert [e["data"]["enrolment_id"] for e in promoted] == [queued["enrolment_id"]]
    assert promoted[0]["data"]["promoted_from_waitlist"] is True


async def test_a_cancelled_class_withdraws_everyone_and_takes_no_more(
    training_api, training_engine, intake_feed
):
    provider_id = await accredited_provider(training_api)
    published = await publish(training_api, provider_id, await course(training_api), capacity=2)
    class_id = published["class_id"]
    for _ in range(3):
        await enrol(training_api, class_id, await open_case(intake_feed))
    other = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    payload = {"reason": "the kitchen is under repair"}
    foreign = await training_api.post(
        f"/providers/{other}/classes/{class_id}/cancellation", json=payload, headers=as_provider(other)
    )
    assert foreign.status_code == 404

    cancelled = await training_api.post(
        f"/providers/{provider_id}/classes/{class_id}/cancellation",
        json=payload,
        headers=as_provider(provider_id),
    )

    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["withdrawn"] == 3
    view = body(await training_api.get(f"/classes/{class_id}"))
    assert (view["status"], view["enrolled"], view["waitlisted"]) == ("cancelled", 0, 0)
    enrolments = body(await training_api.get(f"/classes/{class_id}/enrolments"))
    assert {(e["status"], e["withdrawal_reason"]) for e in enrolments} == {("withdrawn", "class_cancelled")}
    assert len(await outbox_events(training_engine, "training.enrolled.v1")) == 2, "nobody was promoted"
    event = (await outbox_events(training_engine, "training.class_cancelled.v1"))[0]
    assert (event["subject"], event["data"]["withdrawn"], event["data"]["reason"]) == (
        class_id,
        3,
        payload["reason"],
    )

    late = await enrol(training_api, class_id, await open_case(intake_feed))
    assert (late.status_code, late.json()["error"]) == (409, "class_cancelled")
    again = await training_api.post(
        f"/providers/{provider_id}/classes/{class_id}/cancellation",
        json=payload,
        headers=as_provider(provider_id),
    )
    assert (again.status_code, again.json()["error"]) == (409, "class_transition_refused")
    blank = await training_api.post(
        f"/providers/{provider_id}/classes/{class_id}/cancellation",
        json={"reason": ""},
        headers=as_provider(provider_id),
    )
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"


async def test_a_retired_course_gets_no_new_classes_but_its_classes_run_on(training_api, intake_feed):
    provider_id = await accredited_provider(training_api)
    course_id = await course(training_api)
    running = (await publish(training_api, provider_id, course_id))["class_id"]

    retired = await training_api.post(f"/courses/{course_id}/retirement", headers=as_supervisor())

    assert body(retired)["active"] is False
    refused = await training_api.post(
        f"/providers/{provider_id}/classes", json=class_body(course_id), headers=as_provider(provider_id)
    )
    assert (refused.status_code, refused.json()["error"]) == (409, "course_inactive")
    assert (await enrol(training_api, running, await open_case(intake_feed))).status_code == 201


@pytest.mark.parametrize("reason", ["class_concluded", "class_cancelled", "case_closed"])
async def test_reasons_the_service_sets_cannot_be_given(training_api, intake_feed, reason):
    provider_id = await accredited_provider(training_api)
    class_id = (await publish(training_api, provider_id, await course(training_api)))["class_id"]
    enrolment = body(await enrol(training_api, class_id, await open_case(intake_feed)), 201)
    response = await training_api.post(
        f"/enrolments/{enrolment['enrolment_id']}/withdrawal", json={"reason": reason}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"
