"""A registered worker trains, is hired, receives three follow-ups at 30, 90 and 180 days (compressed), and
closes as stably employed; `temporal workflow describe journey-<id>` shows it.

Everything goes through the services' HTTP APIs as their users would use them: the labour assistant in
intake, the provider in training, the employer and the assistant in placement. Between the services only
events travel (outboxes, relays, a real broker, consumer groups, the bridge), and the journey runs on the
real Temporal dev server with a day compressed to 0.1 s.
"""

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

from contracts.journey import journey_id
from services.common import scopes
from tests.e2e.conftest import TIME_SCALE
from tests.e2e.journey_story import ProgrammeInProcess, answer, eventually, temporal
from tests.factories import NETWORK, assistant, registration
from tests.infrastructure import TemporalDevServer

DAY = 86_400 / TIME_SCALE
"""Seconds of the test per day of the journey."""
FOLLOW_UP_DAYS = (30, 90, 180)
STAGES = [
    "assessment",
    "guidance_and_plan",
    "training",
    "job_search",
    "placed",
    "follow_up",
    "stable_employment",
]
PROFILE = {
    "education": "junior_secondary",
    "skills": [{"name": "cooking", "level": "intermediate"}],
    "desired_occupations": ["cooking"],
    "desired_employment_forms": ["full_time"],
}
SESSIONS = 3


async def test_a_worker_trains_is_hired_followed_up_three_times_and_closes_as_stably_employed(
    programme: ProgrammeInProcess, temporal_server: TemporalDevServer
) -> None:
    case_id, assistant_id = await registered_with_a_training_plan(programme)
    certificate = await trained(programme, case_id, assistant_id)
    hire_id, started = await hired(programme, case_id, certificate)

    for sequence, days in enumerate(FOLLOW_UP_DAYS, start=1):
        await follow_up(programme, case_id, hire_id, assistant_id, sequence, not_before=started + days * DAY)

    await closed_as_stably_employed(programme, case_id, hire_id)
    await shown_by_the_temporal_cli(temporal_server.address, case_id)


async def registered_with_a_training_plan(programme: ProgrammeInProcess) -> tuple[str, str]:
    """Intake: the network, an assistant, the worker with consent and profile, a training plan approved."""
    intake = programme.intake
    for path, body in NETWORK:
        answer(await intake.post(path, json=body), 201)
    assistant_id = answer(await intake.post("/assistants", json=assistant()), 201)["assistant_id"]
    worker = answer(await intake.post("/workers", json=registration()), 201)
    case_id: str = worker["case_id"]
    assert worker["assistant_id"] == assistant_id

    consent = {"agency": "labour_bureau", "purpose": "free practical training", "expires_on": _in_days(365)}
    answer(await intake.post(f"/workers/{case_id}/consents", json=consent), 201)
    answer(await intake.put(f"/workers/{case_id}/profile", json={"profile": PROFILE, "expected_version": 0}))
    plan = f"/workers/{case_id}/plan"
    answer(await intake.post(plan, json={"track": "training", "goals": ["中式烹调师四级"]}), 201)
    answer(await intake.post(f"{plan}/agreement"))
    approved = answer(await intake.post(f"{plan}/approval", json={"supervisor": "张主任"}))
    assert approved["status"] == "approved"
    await _journey_reaches(programme, case_id, "training")
    return case_id, assistant_id


async def trained(programme: ProgrammeInProcess, case_id: str, assistant_id: str) -> dict[str, Any]:
    """Training: an accredited provider's cooking class; the worker enrols, attends, passes: a certificate."""
    training = programme.training
    provider = {
        "name": "中山区职业技术学校",
        "kind": "vocational_school",
        "address": "中山路 18 号",
        "contacts": [{"name": "陈老师", "role": "training coordinator", "phone": "13800138000"}],
    }
    provider_id = answer(await training.post("/providers", json=provider), 201)["provider_id"]
    accreditation = {"action": "accredit", "valid_until": _in_days(365)}
    answer(await training.post(f"/providers/{provider_id}/accreditation", json=accreditation))
    course = {
        "code": "COOK-CN-4",
        "title": "中式烹调师四级",
        "occupation_area": "cooking",
        "hours": 120,
        "certificate_name": "中式烹调师四级证书",
        "cost_per_trainee_yuan": 800,
        "skills_taught": ["knife work", "stir frying"],
    }
    course_id = answer(await training.post("/courses", json=course), 201)["course_id"]
    as_provider = programme.issuer.headers(
        scopes.TRAINING_PROVIDE, client_kind="provider", provider_id=provider_id
    )
    first_session = datetime.now(UTC) + timedelta(seconds=2)
    sessions = [
        {
            "starts_at": (first_session + timedelta(seconds=number)).isoformat(),
            "ends_at": (first_session + timedelta(hours=3)).isoformat(),
            "topic": f"第{number + 1}课",
        }
        for number in range(SESSIONS)
    ]
    published = answer(
        await training.post(
            f"/providers/{provider_id}/classes",
            json={
                "course_id": course_id,
                "venue": "烹饪实训室",
                "capacity": 20,
                "enrolment_opens_on": _in_days(-1),
                "enrolment_closes_on": _in_days(1),
                "sessions": sessions,
            },
            headers=as_provider,
        ),
        201,
    )
    class_id = published["class_id"]

    async def enrolment() -> dict[str, Any] | None:
        """The assistant enrols the worker once training's consumer knows the case and its consent."""
        response = await training.post(
            f"/classes/{class_id}/enrolments", json={"case_id": case_id, "assistant_id": assistant_id}
        )
        if response.status_code in (409, 422) and response.json()["error"] in (
            "case_unknown",
            "consent_required",
        ):
            return None
        return dict(answer(response, 201))

    enrolled = await eventually(
        enrolment, within=30, what="training knows the case and its consent", every=0.2
    )
    assert enrolled["status"] == "enrolled"

    for session in published["sessions"]:
        await _until(datetime.fromisoformat(session["starts_at"]))
        marks = {"marks": [{"enrolment_id": enrolled["enrolment_id"], "present": True}]}
        path = f"/providers/{provider_id}/classes/{class_id}/sessions/{session['session_id']}/attendance"
        answer(await training.post(path, json=marks, headers=as_provider))
    results = {"assessments": [{"enrolment_id": enrolled["enrolment_id"], "passed": True}]}
    concluded = answer(
        await training.post(
            f"/providers/{provider_id}/classes/{class_id}/results", json=results, headers=as_provider
        )
    )
    [completed] = concluded["completed"]
    assert (completed["case_id"], completed["attendance_rate"]) == (case_id, 1.0)
    await _journey_reaches(programme, case_id, "job_search")
    certificate: dict[str, Any] = answer(
        await training.get(f"/certificates/{completed['certificate_number']}")
    )
    return certificate


async def hired(
    programme: ProgrammeInProcess, case_id: str, certificate: dict[str, Any]
) -> tuple[str, float]:
    """Placement: a verified employer's vacancy for a certified cook; referral, offer, hire with a labour
    contract and social insurance. Returns the hire and when (loop time) it was made."""
    placement = programme.placement
    employer = {
        "name": "东风食堂餐饮有限公司",
        "kind": "enterprise",
        "registration_reference": "91110105MA00E2E001",
        "community_code": "ZS-01",
    }
    employer_id = answer(await placement.post("/employers", json=employer), 201)["employer_id"]
    answer(await placement.post(f"/employers/{employer_id}/verification"))
    vacancy = {
        "title": "食堂厨师",
        "occupation_area": "cooking",
        "employment_form": "full_time",
        "openings": 1,
        "required_certificates": ["中式烹调师"],
        "community_code": "ZS-01",
        "monthly_wage_yuan": 3800,
    }
    as_employer = programme.issuer.headers(
        scopes.VACANCIES_MANAGE, client_kind="employer", employer_id=employer_id
    )
    posted = await placement.post(f"/employers/{employer_id}/vacancies", json=vacancy, headers=as_employer)
    vacancy_id = answer(posted, 201)["vacancy_id"]

    async def worker_view() -> dict[str, Any] | None:
        """Placement learnt the profile, assistant and certificate from intake's and training's events."""
        response = await placement.get(f"/workers/{case_id}")
        if response.status_code == 404:
            return None
        view = answer(response)
        numbers = [held["number"] for held in view["training_certificates"]]
        ready = (
            view["profile_version"] == 1
            and view["assistant_id"]
            and certificate["certificate_number"] in numbers
        )
        return dict(view) if ready else None

    view = await eventually(worker_view, within=30, what="placement's view of the worker", every=0.2)
    assert view["case_open"] and view["desired_occupations"] == ["cooking"]
    matches = answer(await placement.get(f"/vacancies/{vacancy_id}/matches"))
    assert [match["case_id"] for match in matches] == [case_id]

    referral = answer(
        await placement.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id}), 201
    )
    referral_path = f"/employers/{employer_id}/referrals/{referral['referral_id']}"
    answer(await placement.post(f"{referral_path}/answer", json={"answer": "offer"}, headers=as_employer))
    terms = {
        "has_labour_contract": True,
        "contract_months": 36,
        "start_date": _in_days(0),
        "monthly_wage_yuan": 3800,
        "social_insurance": True,
    }
    hire = answer(await placement.post(f"{referral_path}/hire", json=terms, headers=as_employer), 201)
    started = asyncio.get_running_loop().time()
    await _journey_reaches(programme, case_id, "follow_up")
    return hire["hire_id"], started


async def follow_up(
    programme: ProgrammeInProcess,
    case_id: str,
    hire_id: str,
    assistant_id: str,
    sequence: int,
    *,
    not_before: float,
) -> None:
    """The follow-up task appears in placement when due; the assistant completes it; the journey knows.

    `not_before` is the hire's answer plus the interval. The work starts at midnight of the start date, which
    the journey places up to a day (0.1 s) before the hire, so the task may come that much earlier, no more.
    """
    task_key = f"journey-{case_id}-{hire_id}-{sequence}"

    async def task_in_placement() -> dict[str, Any] | None:
        tasks = answer(await programme.placement.get("/follow-up-tasks", params={"case_id": case_id}))
        return next((dict(task) for task in tasks if task["sequence"] == sequence), None)

    task = await eventually(task_in_placement, within=30, what=f"follow-up task {sequence} in placement")
    early = not_before - asyncio.get_running_loop().time()
    assert early <= 2 * DAY, f"follow-up {sequence} appeared {early:.2f} s early"
    assert (task["task_key"], task["status"], task["subject_id"]) == (task_key, "open", hire_id)
    assert task["assistant_id"] == assistant_id

    outcome = {
        "still_working": True,
        "has_labour_contract": True,
        "social_insurance": True,
        "monthly_earnings_yuan": 3800,
        "satisfaction": 4,
        "problems_raised": [],
    }
    done = answer(await programme.placement.post(f"/follow-up-tasks/{task_key}/completion", json=outcome))
    assert done["status"] == "completed"

    async def completed_in_the_journey() -> dict[str, Any] | None:
        journey = answer(await programme.intake.get(f"/workers/{case_id}/journey"))
        [view] = [view for view in journey["follow_ups"] if view["task_key"] == task_key]
        return dict(view) if view["status"] == "completed" else None

    await eventually(
        completed_in_the_journey, within=10, what=f"the journey has follow-up {sequence} completed"
    )


async def closed_as_stably_employed(programme: ProgrammeInProcess, case_id: str, hire_id: str) -> None:
    """The journey reaches stable employment and intake closes the case with that reason."""
    journey = await _journey_reaches(programme, case_id, "stable_employment")
    assert [(f["sequence"], f["status"]) for f in journey["follow_ups"]] == [
        (1, "completed"),
        (2, "completed"),
        (3, "completed"),
    ]

    async def closed_case() -> dict[str, Any] | None:
        worker = answer(await programme.intake.get(f"/workers/{case_id}"))
        return dict(worker) if worker["status"] == "closed" else None

    worker = await eventually(closed_case, within=10, what="intake closes the case")
    assert worker["journey_stage"] == "stable_employment"
    history = answer(await programme.intake.get(f"/workers/{case_id}/history"))
    assert (history[-1]["status"], history[-1]["reason"]) == ("closed", "stable_employment")

    timeline = answer(await programme.intake.get(f"/workers/{case_id}/journey/timeline"))
    moves = [
        entry["detail"].split(":")[0] for entry in timeline["entries"] if entry["kind"] == "stage_changed"
    ]
    assert moves == [f"{before} → {after}" for before, after in pairwise(STAGES)]
    tasks = answer(await programme.placement.get("/follow-up-tasks", params={"case_id": case_id}))
    assert [(task["sequence"], task["status"], task["subject_id"]) for task in tasks] == [
        (1, "completed", hire_id),
        (2, "completed", hire_id),
        (3, "completed", hire_id),
    ]


async def shown_by_the_temporal_cli(address: str, case_id: str) -> None:
    """`temporal workflow describe` and `temporal workflow list --query` show the journey as closed stable."""
    workflow_id = journey_id(case_id)
    described = await temporal(address, "workflow", "describe", "-w", workflow_id)
    info = described["workflowExecutionInfo"]
    assert (info["execution"]["workflowId"], info["type"]["name"]) == (workflow_id, "ReemploymentJourney")
    assert _search_attribute(info, "JourneyStage") == "stable_employment"

    async def listed() -> list[str] | None:
        found = await temporal(address, "workflow", "list", "--query", "JourneyStage='stable_employment'")
        ids = [execution["execution"]["workflowId"] for execution in found or []]
        return ids if workflow_id in ids else None

    await eventually(listed, within=10, what="the journey in the stable-employment list", every=0.5)


def _search_attribute(info: dict[str, Any], name: str) -> Any:
    payload = info["searchAttributes"]["indexedFields"][name]
    return json.loads(base64.b64decode(payload["data"]))


async def _journey_reaches(programme: ProgrammeInProcess, case_id: str, stage: str) -> dict[str, Any]:
    """The journey, as intake's API reads it from the workflow, once it is in `stage` (else its timeline)."""

    async def in_stage() -> dict[str, Any] | None:
        response = await programme.intake.get(f"/workers/{case_id}/journey")
        if response.status_code != 200 and response.json()["error"] == "journey_not_started":
            return None
        journey = answer(response)
        return dict(journey) if journey["stage"] == stage else None

    try:
        return await eventually(in_stage, within=30, what=f"the journey of {case_id} in {stage}")
    except AssertionError as late:
        timeline = await programme.intake.get(f"/workers/{case_id}/journey/timeline")
        raise AssertionError(f"{late}; what the journey went through: {timeline.text}") from None


async def _until(moment: datetime) -> None:
    await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


def _in_days(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()
