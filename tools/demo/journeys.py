"""One worker's way through the programme, as the labour assistant, provider and employer would drive it.

How far the worker goes is their `Fate`. Each step is an API call of the service that owns it; between the
services only events travel, so a step that needs another service's news waits for it (`Api.until`).
"""

import asyncio
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx

from tools.demo.api import Api, Refused
from tools.demo.district import HIRED_FATES, Fate, Worker
from tools.demo.employer_access import EmployerTokens
from tools.demo.names import BUSINESS_IDEAS
from tools.demo.progress import Progress
from tools.demo.seeding import Seeded, SeededEmployer, SeededVacancy
from tools.demo.training import Cohorts, Trainee

JOURNEY_WAIT_SECONDS = 120.0
STAGE_POLL_SECONDS = 2.0
WAITING_FOR_PLACEMENT = ("worker_not_found",)
WAITING_FOR_JOURNEY = ("journey_not_started",)
EXPECTED_STAGE = {"training": "training"}
"""The stage an approved plan leads to, by track (job_search for the others)."""


@dataclass
class Programme:
    """What every journey shares: the APIs, the seeded district, and the vacancies' openings left."""

    api: Api
    seeded: Seeded
    cohorts: Cohorts
    progress: Progress
    run: int
    today: date
    employer_tokens: EmployerTokens
    """Each employer answers its referrals and hires with its own client's token."""
    openings: dict[str, int] = field(default_factory=dict)
    cases: dict[str, Worker] = field(default_factory=dict)
    """The workers of this run by case id (the follow-ups record what their fate says)."""

    def __post_init__(self) -> None:
        for employer in self.seeded.employers:
            for vacancy in employer.vacancies:
                self.openings[vacancy.vacancy_id] = vacancy.openings


async def journey(programme: Programme, worker: Worker) -> None:
    """Drive `worker` as far as their fate goes; a refusal or a request that timed out is reported, not
    raised (the demo goes on with the other workers)."""
    try:
        await _journey(programme, worker)
    except (Refused, httpx.HTTPError) as failure:
        programme.progress.count("stopped")
        programme.progress.note("worker {} ({}) stopped: {!r}", worker.index, worker.fate, failure)


async def _journey(programme: Programme, worker: Worker) -> None:
    rng = random.Random(f"{worker.index}-{programme.run}")
    case_id, assistant_id = await _register(programme, worker)
    if worker.fate is Fate.REGISTERED:
        return
    await _assess(programme, worker, case_id, assistant_id, rng)
    if worker.track is None:
        return
    await _plan(programme, worker, case_id, worker.track)
    if worker.fate is Fate.EXITED:
        await _exit(programme, case_id, rng)
        return
    if worker.track == "training":
        passed = await programme.cohorts.train(
            _course_of(programme.seeded, worker),
            Trainee(case_id, assistant_id, worker.fate is not Fate.TRAINING_FAILED),
        )
        if not passed:
            return
        await _stage(programme, case_id, "job_search")
    if worker.fate is Fate.BUSINESS:
        await _start_business(programme, worker, case_id, rng)
    elif worker.fate is Fate.WELFARE_POST:
        await _welfare_post(programme, case_id)
    else:
        await _search_and_hire(programme, worker, case_id, assistant_id, rng)


async def _register(programme: Programme, worker: Worker) -> tuple[str, str]:
    """The case and its labour assistant (intake's pick, else the community's first assistant)."""
    body = _registration(worker, programme.run)
    registered = await programme.api.call("POST", "intake", "/workers", json=body)
    case_id: str = registered["case_id"]
    assistant_id = registered["assistant_id"] or programme.seeded.assistants.get(worker.community.code, "")
    programme.cases[case_id] = worker
    programme.progress.count("registered")
    return case_id, assistant_id


async def _assess(
    programme: Programme, worker: Worker, case_id: str, assistant_id: str, rng: random.Random
) -> None:
    """Consent to share with the labour bureau, the skills profile, and a guidance session."""
    api, today = programme.api, programme.today
    consent = {
        "agency": "labour_bureau",
        "purpose": "再就业服务与免费职业培训",
        "expires_on": (today + timedelta(days=365)).isoformat(),
    }
    await api.call("POST", "intake", f"/workers/{case_id}/consents", json=consent)
    await api.call("PUT", "intake", f"/workers/{case_id}/profile", json=_profile(worker))
    guidance = {
        "kind": rng.choice(("career_guidance", "ideological_guidance", "policy_briefing")),
        "held_on": today.isoformat(),
        "assistant_id": assistant_id,
        "notes": "了解求职意向。介绍再就业扶持政策。",
        "next_steps": ["制定再就业计划"],
    }
    if assistant_id:
        await api.call("POST", "intake", f"/workers/{case_id}/guidance-sessions", json=guidance)


async def _plan(programme: Programme, worker: Worker, case_id: str, track: str) -> None:
    """The plan proposed, agreed by the worker, approved by the supervisor; the journey follows it."""
    api, plan = programme.api, f"/workers/{case_id}/plan"
    await api.call("POST", "intake", plan, json={"track": track, "goals": _goals(worker)})
    await api.call("POST", "intake", f"{plan}/agreement")
    await api.call("POST", "intake", f"{plan}/approval", json={"supervisor": "张主任"})
    programme.progress.count("planned")
    await _stage(programme, case_id, EXPECTED_STAGE.get(track, "job_search"))


async def _exit(programme: Programme, case_id: str, rng: random.Random) -> None:
    exit_request = {
        "reason": rng.choice(("moved_away", "retired", "declined_service")),
        "note": "本人申请退出",
    }
    path = f"/workers/{case_id}/journey/exit"
    await programme.api.until("POST", "intake", path, json=exit_request, waiting_for=WAITING_FOR_JOURNEY)
    programme.progress.count("exits")


async def _stage(programme: Programme, case_id: str, stage: str) -> None:
    """Wait until intake records the journey in `stage` (the case's `journey_stage`, read from intake's
    database, not queried from the workflow); a journey that lags behind is counted and not waited for."""
    deadline = programme.progress.elapsed() + JOURNEY_WAIT_SECONDS
    while programme.progress.elapsed() < deadline:
        case = await programme.api.call("GET", "intake", f"/workers/{case_id}")
        if case["journey_stage"] == stage:
            return
        await _pause(STAGE_POLL_SECONDS)
    programme.progress.count("lagging")


async def _search_and_hire(
    programme: Programme, worker: Worker, case_id: str, assistant_id: str, rng: random.Random
) -> None:
    api = programme.api
    chosen = _vacancy_for(programme, worker)
    if chosen is None:
        programme.progress.count("no_vacancy")
        return
    employer, vacancy = chosen
    referral_body = {
        "case_id": case_id,
        "vacancy_id": vacancy.vacancy_id,
        "assistant_id": assistant_id or None,
    }
    referral = await api.until(
        "POST", "placement", "/referrals", json=referral_body, waiting_for=WAITING_FOR_PLACEMENT
    )
    programme.progress.count("referred")
    referral_path = f"/employers/{employer.employer_id}/referrals/{referral['referral_id']}"
    token = await programme.employer_tokens.token(employer.employer_id)
    if worker.fate is Fate.SEARCHING:
        if rng.random() < 0.5:
            answer: dict[str, Any] = {"answer": "rejection", "rejection_reason": rng.choice(_REJECTIONS)}
        else:
            answer = {
                "answer": "interview",
                "interview_at": f"{programme.today + timedelta(days=3)}T09:30:00+08:00",
            }
        await api.call("POST", "placement", f"{referral_path}/answer", json=answer, token=token)
        return
    await api.call("POST", "placement", f"{referral_path}/answer", json={"answer": "offer"}, token=token)
    terms = _terms(worker, vacancy, programme)
    hire = await api.call("POST", "placement", f"{referral_path}/hire", json=terms, token=token)
    programme.progress.count("hired")
    if worker.complains:
        await _complain(programme, case_id, employer, rng)
    if worker.fate is Fate.JOB_ENDED:
        await _pause(rng.uniform(10, 40))
        ending = {"ended_on": programme.today.isoformat(), "reason": rng.choice(_ENDINGS)}
        await api.call("POST", "placement", f"/hires/{hire['hire_id']}/ending", json=ending)
        programme.progress.count("jobs_ended")


async def _welfare_post(programme: Programme, case_id: str) -> None:
    """A direct hire into a public-welfare post of a public institution (or of the first employer)."""
    public = [employer for employer in programme.seeded.employers if employer.kind == "public_institution"]
    employer = (public or programme.seeded.employers)[0]
    body = {
        "case_id": case_id,
        "employer_id": employer.employer_id,
        "employment_form": "public_welfare_post",
        "has_labour_contract": True,
        "contract_months": 12,
        "start_date": programme.today.isoformat(),
        "monthly_wage_yuan": 2420,
        "social_insurance": True,
    }
    await programme.api.until("POST", "placement", "/hires", json=body, waiting_for=WAITING_FOR_PLACEMENT)
    programme.progress.count("hired")


async def _start_business(programme: Programme, worker: Worker, case_id: str, rng: random.Random) -> None:
    kind, name, summary = rng.choice(BUSINESS_IDEAS)
    body = {
        "case_id": case_id,
        "name": f"{worker.full_name[0]}记{name}",
        "kind": kind,
        "community_code": worker.community.code,
        "address": f"{worker.community.name}临街商铺",
        "plan": {
            "summary": summary,
            "startup_capital_yuan": rng.randrange(20, 120) * 1000,
            "jobs_planned": 2,
        },
        "expected_monthly_income_yuan": rng.randrange(3000, 8000, 500),
    }
    business = await programme.api.until(
        "POST", "placement", "/businesses", json=body, waiting_for=WAITING_FOR_PLACEMENT
    )
    start = {
        "started_on": programme.today.isoformat(),
        "licence_reference": f"92210202{programme.run:04d}{worker.index:06d}",
    }
    await programme.api.call("POST", "placement", f"/businesses/{business['business_id']}/start", json=start)
    programme.progress.count("businesses")


async def _complain(programme: Programme, case_id: str, employer: SeededEmployer, rng: random.Random) -> None:
    body = {
        "case_id": case_id,
        "category": rng.choice(("unpaid_wages", "social_insurance_arrears", "no_contract_on_transfer")),
        "channel": rng.choice(("station_walk_in", "hotline", "online")),
        "employer": {"name": employer.name},
        "narrative": "入职后单位未按约定发放工资。也未缴纳社会保险。多次沟通无果。",
    }
    await programme.api.call("POST", "complaints", "/complaints", json=body)
    programme.progress.count("complaints")


def _registration(worker: Worker, run: int) -> dict[str, Any]:
    members, employed = worker.household
    return {
        "resident_id": worker.resident_id(run),
        "full_name": worker.full_name,
        "mobile": worker.mobile,
        "community_code": worker.community.code,
        "layoff_date": worker.layoff_date.isoformat(),
        "layoff_reason": worker.layoff_reason,
        "household": {"members_of_working_age": members, "employed_members_of_working_age": employed},
        "disability": worker.disability,
        "long_term_unemployed": worker.long_term_unemployed,
    }


def _profile(worker: Worker) -> dict[str, Any]:
    profile = {
        "education": worker.education,
        "skills": [{"name": skill, "level": "intermediate"} for skill in worker.skills],
        "desired_occupations": [worker.occupation_area],
        "desired_employment_forms": list(worker.employment_forms),
        "health_limits": ["不宜重体力劳动"] if worker.disability else [],
    }
    return {"profile": profile, "expected_version": 0}


def _goals(worker: Worker) -> list[str]:
    return {
        "training": ["参加职业技能培训并取得证书", "培训后推荐就业"],
        "entrepreneurship": ["完成创业培训", "申请创业担保贷款", "办理营业执照"],
        "public_welfare_post": ["安置公益性岗位"],
    }.get(worker.track or "", ["三个月内实现再就业"])


def _course_of(seeded: Seeded, worker: Worker) -> str:
    """The course of the worker's occupation area, or one of the catalogue for areas without a course."""
    if worker.occupation_area in seeded.courses:
        return seeded.courses[worker.occupation_area]
    areas = sorted(seeded.courses)
    return seeded.courses[areas[worker.index % len(areas)]]


def _vacancy_for(programme: Programme, worker: Worker) -> tuple[SeededEmployer, SeededVacancy] | None:
    """An open vacancy in the worker's occupation area if any has room, else any with room (None when all
    are full); one opening is taken for the workers who will be hired."""
    candidates = [
        (employer, vacancy)
        for employer in programme.seeded.employers
        for vacancy in employer.vacancies
        if vacancy.employment_form != "public_welfare_post" and programme.openings[vacancy.vacancy_id] > 0
    ]
    if not candidates:
        return None
    fitting = [pair for pair in candidates if pair[1].occupation_area == worker.occupation_area]
    employer, vacancy = (fitting or candidates)[worker.index % len(fitting or candidates)]
    if worker.fate in HIRED_FATES:
        programme.openings[vacancy.vacancy_id] -= 1
    return employer, vacancy


def _terms(worker: Worker, vacancy: SeededVacancy, programme: Programme) -> dict[str, Any]:
    if worker.fate is Fate.FLEXIBLE:
        return {
            "employment_form": worker.employment_forms[worker.index % len(worker.employment_forms)],
            "has_labour_contract": False,
            "start_date": programme.today.isoformat(),
            "monthly_wage_yuan": vacancy.monthly_wage_yuan // 2,
            "social_insurance": False,
        }
    return {
        "has_labour_contract": True,
        "contract_months": 36,
        "start_date": programme.today.isoformat(),
        "monthly_wage_yuan": vacancy.monthly_wage_yuan,
        "social_insurance": True,
    }


async def _pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


_REJECTIONS = ("skills_mismatch", "experience_mismatch", "position_filled", "worker_declined")
_ENDINGS = ("contract_ended", "dismissed", "resigned", "employer_closed")
