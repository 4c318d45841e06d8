"""Matching both ways: a pre-filter in SQL (open vacancies, occupation areas by index), then every remaining
pair scored in Python with its explanation (`scoring`), and the best kept."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.occupations import EmploymentForm, OccupationArea
from services.placement import scoring
from services.placement.collaborators import Placement
from services.placement.domain import VacancyStatus
from services.placement.guards import require
from services.placement.models import Community, Vacancy, Worker, WorkerInterest
from services.placement.schemas import FactorOut, VacancyMatch, VacancyOut, WorkerMatch
from services.placement.workers import interests

MAX_SCORE = 110

WORKER_COLUMNS = (
    Worker.case_id,
    Worker.community_code,
    Worker.match_facts,
    Community.street_code,
    Community.latitude,
    Community.longitude,
)
VACANCY_COLUMNS = (
    Vacancy.vacancy_id,
    Vacancy.occupation_area,
    Vacancy.employment_form,
    Vacancy.required_skills,
    Vacancy.required_certificates,
    Vacancy.community_code,
    Community.street_code,
    Community.latitude,
    Community.longitude,
)


async def vacancies_for_worker(
    *,
    placement: Placement,
    case_id: str,
    limit: int,
    occupation_area: OccupationArea | None = None,
    employment_form: EmploymentForm | None = None,
) -> list[VacancyMatch]:
    """Open vacancies ranked for a worker: in the areas they asked for or hold certificates in (any area
    when they have none, or the one asked for)."""
    async with placement.sessions() as session:
        worker = await require(session, Worker, case_id, what="worker")
        place = await _place(session, worker.community_code)
        facts = _worker(worker.case_id, place, worker.match_facts)
        query = (
            select(*VACANCY_COLUMNS)
            .outerjoin(Community, Community.community_code == Vacancy.community_code)
            .where(Vacancy.status == VacancyStatus.OPEN.value)
        )
        areas = [occupation_area.value] if occupation_area else sorted(interests(worker))
        if areas:
            query = query.where(Vacancy.occupation_area.in_(areas))
        if employment_form is not None:
            query = query.where(Vacancy.employment_form == employment_form.value)
        rows = (await session.execute(query)).all()
        ranked = scoring.best(((facts, vacancy_facts(row)) for row in rows), limit, by_vacancy=True)
        vacancies = await _vacancies(session, [m.vacancy.vacancy_id for m in ranked])
    return [
        VacancyMatch(
            **_explained(match),
            vacancy=VacancyOut.model_validate(vacancies[match.vacancy.vacancy_id]),
        )
        for match in ranked
    ]


async def workers_for_vacancy(
    *, placement: Placement, vacancy_id: str, limit: int, within: Select[str] | None = None
) -> list[WorkerMatch]:
    """Workers with open cases who asked for the vacancy's occupation area or hold a certificate in it;
    `within` limits the candidates to these cases."""
    async with placement.sessions() as session:
        vacancy = await require(session, Vacancy, vacancy_id, what="vacancy")
        place = await _place(session, vacancy.community_code)
        facts = _vacancy(
            vacancy.vacancy_id,
            vacancy.occupation_area,
            vacancy.employment_form,
            vacancy.required_skills,
            vacancy.required_certificates,
            place,
        )
        candidates = (
            select(*WORKER_COLUMNS)
            .select_from(WorkerInterest)
            .join(Worker, Worker.case_id == WorkerInterest.case_id)
            .outerjoin(Community, Community.community_code == Worker.community_code)
            .where(WorkerInterest.occupation_area == vacancy.occupation_area, Worker.case_open.is_(True))
        )
        if within is not None:
            candidates = candidates.where(Worker.case_id.in_(within))
        rows = (await session.execute(candidates)).all()
    ranked = scoring.best(((worker_facts(row), facts) for row in rows), limit, by_vacancy=False)
    return [
        WorkerMatch(
            **_explained(match),
            case_id=match.worker.case_id,
            community_code=match.worker.place.community_code,
            hardship_flags=sorted(match.worker.hardship_flags),
        )
        for match in ranked
    ]


def worker_facts(row: Sequence[Any]) -> scoring.WorkerFacts:
    """From a row of `WORKER_COLUMNS`."""
    case_id, community, facts, *place = row
    return _worker(case_id, scoring.Place(community, *place), facts)


def vacancy_facts(row: Sequence[Any]) -> scoring.VacancyFacts:
    """From a row of `VACANCY_COLUMNS`."""
    vacancy_id, area, form, skills, certificates, community, *place = row
    return _vacancy(vacancy_id, area, form, skills, certificates, scoring.Place(community, *place))


def _worker(case_id: str, place: scoring.Place, facts: dict[str, Any]) -> scoring.WorkerFacts:
    """From the worker's `match_facts` document (see `workers.facts`)."""
    return scoring.WorkerFacts(
        case_id=case_id,
        place=place,
        hardship_flags=facts.get("flags", ()),
        skills=facts.get("skills", scoring.NO_SKILLS),
        certificates=tuple((name, area) for name, area in facts.get("certificates", ())),
        desired_occupations=facts.get("occupations", ()),
        desired_forms=facts.get("forms", ()),
    )


def _vacancy(
    vacancy_id: str,
    area: str,
    form: str,
    skills: list[str],
    certificates: list[str],
    place: scoring.Place,
) -> scoring.VacancyFacts:
    return scoring.VacancyFacts(
        vacancy_id=vacancy_id,
        occupation_area=area,
        employment_form=form,
        place=place,
        required_skills=tuple(scoring.parse_skill(skill) for skill in skills),
        required_certificates=tuple(certificates),
    )


def _explained(match: scoring.Match) -> dict[str, Any]:
    return {
        "score": match.score,
        "max_score": MAX_SCORE,
        "explanation": f"{match.score} of {MAX_SCORE}: " + "; ".join(f.reason for f in match.factors),
        "factors": [FactorOut(**vars(factor)) for factor in match.factors],
    }


async def _place(session: AsyncSession, community_code: str | None) -> scoring.Place:
    community = await session.get(Community, community_code) if community_code else None
    if community is None:
        return scoring.Place(community_code)
    return scoring.Place(community_code, community.street_code, community.latitude, community.longitude)


async def _vacancies(session: AsyncSession, ids: Sequence[str]) -> dict[str, Vacancy]:
    rows = await session.scalars(select(Vacancy).where(Vacancy.vacancy_id.in_(ids)))
    return {row.vacancy_id: row for row in rows}
