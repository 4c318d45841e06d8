"""Local views fed by intake and placement events, recommendations from them, statistics (both engines)."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from contracts.events.intake import CaseClosed, ClosureReason, SkillsProfileUpdated
from services.common.consumer import PermanentError
from services.training.models import DemandedVacancy, KnownCase
from tests.http_checks import body
from tests.integration.training.support import (
    POSTED,
    accredited_provider,
    as_provider,
    course,
    deliver,
    enrol,
    envelope,
    open_case,
    publish,
    skills_profile,
    vacancy_closed,
    vacancy_posted,
)


async def test_each_event_is_applied_once_and_an_older_profile_changes_nothing(intake_feed, training_engine):
    case_id = await open_case(intake_feed)
    newer = skills_profile(case_id, version=2, skills=["cooking:beginner"], certificates=["食品安全证"])
    envelope = newer.envelope(correlation_id="test")
    assert await intake_feed(envelope) == "applied"
    assert await intake_feed(envelope) == "duplicate"
    await deliver(intake_feed, skills_profile(case_id, version=1, skills=["sewing:expert"]))
    closed = CaseClosed(case_id=case_id, reason=ClosureReason.RETIRED, closed_at=POSTED)
    await deliver(intake_feed, closed)

    async with training_engine.connect() as connection:
        row = (await connection.execute(select(KnownCase).where(KnownCase.case_id == case_id))).one()
    assert (row.profile_version, row.skills, row.certificates, row.status) == (
        2,
        ["cooking:beginner"],
        ["食品安全证"],
        "closed",
    )


async def test_events_training_has_no_use_for_are_ignored_and_bad_ones_are_permanent_errors(intake_feed):
    other = envelope("intake.guidance_session_recorded.v1", "x", {})
    assert await intake_feed(other) == "ignored"
    broken = vacancy_posted("cooking", 2, skills=[], certificates=[]).model_copy(
        update={"data": {"openings": 2}}
    )
    with pytest.raises(PermanentError):
        await intake_feed(broken)
    with pytest.raises(PermanentError):
        await intake_feed(envelope(SkillsProfileUpdated.event_type, "x", {"case_id": "x"}))


async def test_vacancies_open_and_close_the_demand_view(intake_feed, training_engine):
    posted = vacancy_posted("cooking", 3, skills=["knife work"], certificates=[])
    await intake_feed(posted)
    await intake_feed(vacancy_closed(posted.subject))
    async with training_engine.connect() as connection:
        status = await connection.scalar(
            select(DemandedVacancy.status).where(DemandedVacancy.vacancy_id == posted.subject)
        )
    assert status == "closed"


async def test_courses_are_ranked_by_the_gap_between_profile_and_demand_with_reasons(
    training_api, intake_feed
):
    provider_id = await accredited_provider(training_api)
    cooking = await course(training_api)
    housekeeping = await course(
        training_api,
        code="HOUSE-3",
        title="家政服务员",
        occupation_area="housekeeping",
        certificate_name="家政服务员证书",
        skills_taught=["cleaning", "elderly care"],
    )
    hairdressing = await course(
        training_api,
        code="HAIR-1",
        title="美发",
        occupation_area="hairdressing_beauty",
        certificate_name="美发师证书",
        skills_taught=["haircut"],
    )
    cooking_class = (await publish(training_api, provider_id, cooking))["class_id"]
    await intake_feed(
        vacancy_posted(
            "cooking", 6, skills=["knife work", "food hygiene"], certificates=["中式烹调师四级证书"]
        )
    )
    await intake_feed(vacancy_posted("housekeeping", 4, skills=["cleaning"], certificates=[]))
    closed = vacancy_posted("hairdressing_beauty", 50, skills=["haircut"], certificates=[])
    await intake_feed(closed)
    await intake_feed(vacancy_closed(closed.subject))
    case_id = await open_case(intake_feed)
    await deliver(
        intake_feed,
        skills_profile(
            case_id, skills=["cleaning:advanced", "Food Hygiene:beginner"], desired_occupations=["cooking"]
        ),
    )

    answer = body(await training_api.get(f"/cases/{case_id}/course-recommendations"))

    assert answer["profile_version"] == 1
    ranked = answer["recommendations"]
    assert [item["course_id"] for item in ranked] == [cooking, housekeeping]
    assert hairdressing not in {item["course_id"] for item in ranked}
    top = ranked[0]
    assert top["score"] == 6 + 6 + 6 + 10
    assert [reason["code"] for reason in top["reasons"]] == [
        "vacancy_demand",
        "skill_gap",
        "certificate_gap",
        "desired_occupation",
    ]
    assert "knife work (6 openings)" in top["reasons"][1]["text"]
    assert "food hygiene" not in top["reasons"][1]["text"]
    assert top["open_class_ids"] == [cooking_class]
    assert [reason["code"] for reason in ranked[1]["reasons"]] == ["vacancy_demand"]

    unknown = await training_api.get(f"/cases/{uuid.uuid4()}/course-recommendations")
    assert (unknown.status_code, unknown.json()["error"]) == (404, "case_not_found")


async def test_statistics_count_concluded_classes_by_provider_course_and_month(
    training_api, intake_feed, clock
):
    school = await accredited_provider(training_api)
    club = await accredited_provider(training_api, name="工人俱乐部", kind="workers_club")
    cooking = await course(training_api)
    housekeeping = await course(
        training_api,
        code="HOUSE-3",
        title="家政服务员",
        occupation_area="housekeeping",
        certificate_name="家政服务员证书",
        cost_per_trainee_yuan=500,
        completion_rule={"minimum_attendance": 0.5, "assessment_required": False},
    )
    held = [
        (school, cooking, 3, 2, datetime(2026, 12, 20, tzinfo=UTC)),
        (club, housekeeping, 4, 4, datetime(2026, 12, 21, tzinfo=UTC)),
        (school, housekeeping, 2, 0, datetime(2027, 1, 20, tzinfo=UTC)),
    ]
    classes = []
    for provider_id, course_id, size, _present, _concluded in held:
        published = await publish(training_api, provider_id, course_id, capacity=size, sessions=1)
        cases = [await open_case(intake_feed) for _ in range(size)]
        enrolments = [body(await enrol(training_api, published["class_id"], case), 201) for case in cases]
        classes.append((published, enrolments))
    unconcluded = await publish(training_api, school, cooking, capacity=5, sessions=1)
    await enrol(training_api, unconcluded["class_id"], await open_case(intake_feed))

    for (published, enrolments), (provider_id, _course, _size, present, concluded) in zip(
        classes, held, strict=True
    ):
        clock.now = concluded
        base = f"/providers/{provider_id}/classes/{published['class_id']}"
        session_id = published["sessions"][0]["session_id"]
        marks = [
            {"enrolment_id": e["enrolment_id"], "present": n < present} for n, e in enumerate(enrolments)
        ]
        provider = as_provider(provider_id)
        sheet = await training_api.post(
            f"{base}/sessions/{session_id}/attendance", json={"marks": marks}, headers=provider
        )
        assert sheet.status_code == 200
        assessments = [{"enrolment_id": e["enrolment_id"], "passed": True} for e in enrolments]
        assert (
            await training_api.post(f"{base}/results", json={"assessments": assessments}, headers=provider)
        ).status_code == 200

    by_course = body(await training_api.get("/statistics", params={"group_by": "course"}))
    rows = {row["label"]: row for row in by_course["rows"]}
    assert rows["中式烹调师四级"] | {"key": ""} == {
        "key": "",
        "label": "中式烹调师四级",
        "classes_held": 1,
        "person_times": 3,
        "completed": 2,
        "completion_rate": 0.6667,
        "cost_yuan": 3 * 800,
    }
    housekeeping_row = rows["家政服务员"]
    assert [housekeeping_row[key] for key in ("classes_held", "person_times", "completed")] == [2, 6, 4]
    assert by_course["totals"]["person_times"] == 9 and by_course["totals"]["cost_yuan"] == 2400 + 6 * 500

    by_month = body(await training_api.get("/statistics", params={"group_by": "month"}))
    assert [(row["key"], row["classes_held"]) for row in by_month["rows"]] == [("2026-12", 2), ("2027-01", 1)]
    december = body(
        await training_api.get(
            "/statistics",
            params={"group_by": "provider", "concluded_from": "2026-12-01", "concluded_to": "2026-12-31"},
        )
    )
    assert december["totals"]["classes_held"] == 2
    assert sorted(row["label"] for row in december["rows"]) == ["中山区职业技术学校", "工人俱乐部"]
    wrong = await training_api.get(
        "/statistics", params={"concluded_from": "2027-01-01", "concluded_to": "2026-01-01"}
    )
    assert wrong.status_code == 422
