"""Communities, employers (registration, verification) and their vacancies."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.placement import EmployerRegistered, EmployerVerified, VacancyClosed, VacancyPosted
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.common.transitions import move
from services.placement.collaborators import Placement
from services.placement.domain import (
    EMPLOYER_TRANSITIONS,
    VACANCY_TRANSITIONS,
    EmployerAction,
    EmployerStatus,
    VacancyAction,
    VacancyStatus,
    discriminatory_requirements,
)
from services.placement.guards import require
from services.placement.models import Community, Employer, JobFair, JobFairEmployer, Vacancy
from services.placement.schemas import CommunityIn, EmployerIn, VacancyClosure, VacancyIn
from services.placement.scoring import normalise


async def put_community(*, placement: Placement, community_code: str, community: CommunityIn) -> Community:
    """Create or replace a community (its street and, when known, its coordinates)."""
    async with placement.sessions.begin() as session:
        record = await session.get(Community, community_code)
        if record is None:
            record = Community(community_code=community_code)
            session.add(record)
        record.street_code = community.street_code
        record.name = community.name
        record.latitude = community.latitude
        record.longitude = community.longitude
    return record


async def list_communities(*, placement: Placement) -> list[Community]:
    async with placement.sessions() as session:
        return list(await session.scalars(select(Community).order_by(Community.community_code)))


async def register_employer(*, placement: Placement, employer: EmployerIn, correlation_id: str) -> Employer:
    now = datetime.now(UTC)
    record = Employer(
        employer_id=str(uuid7()),
        status=EmployerStatus.REGISTERED.value,
        registered_at=now,
        **employer.model_dump(),
    )
    try:
        async with placement.sessions.begin() as session:
            session.add(record)
            await session.flush()
            await placement.outbox.add(session, registered_event(record), correlation_id=correlation_id)
    except IntegrityError as error:
        raise DomainError(
            409,
            "employer_already_registered",
            "An employer with this registration reference is registered",
            [{"field": "registration_reference", "reason": "already registered"}],
        ) from error
    return record


def registered_event(employer: Employer) -> EmployerRegistered:
    return EmployerRegistered(
        employer_id=employer.employer_id,
        community_code=employer.community_code,
        kind=employer.kind,
        registered_at=employer.registered_at,
    )


async def change_employer(
    *, placement: Placement, employer_id: str, action: EmployerAction, correlation_id: str
) -> Employer:
    """Verify, suspend or reinstate an employer."""
    async with placement.sessions.begin() as session:
        employer = await require(session, Employer, employer_id, what="employer")
        status = move(EMPLOYER_TRANSITIONS, EmployerStatus(employer.status), action, what="employer")
        employer.status = status.value
        if action is EmployerAction.VERIFY:
            employer.verified_at = datetime.now(UTC)
            event = EmployerVerified(employer_id=employer_id, verified_at=employer.verified_at)
            await placement.outbox.add(session, event, correlation_id=correlation_id)
    return employer


async def get_employer(*, placement: Placement, employer_id: str) -> Employer:
    async with placement.sessions() as session:
        return await require(session, Employer, employer_id, what="employer")


async def require_verified_employer(session: AsyncSession, employer_id: str) -> Employer:
    employer = await require(session, Employer, employer_id, what="employer")
    if employer.status != EmployerStatus.VERIFIED:
        raise DomainError(
            409, "employer_not_verified", f"The employer is {employer.status}, not verified", details={}
        )
    return employer


def refuse_discriminatory(vacancy: VacancyIn) -> None:
    """422 when a requirement filters on a protected ground, or when a field is not part of a vacancy."""
    extra = list(vacancy.model_extra or {})
    problems = discriminatory_requirements(
        field_names=extra,
        texts={
            "title": vacancy.title,
            "description": vacancy.description,
            "required_skills": vacancy.required_skills,
            "required_certificates": vacancy.required_certificates,
        },
    )
    if problems:
        raise DomainError(
            422,
            "discriminatory_requirement",
            "A vacancy may not select workers by age, sex, ethnicity, marital status, household "
            "registration or health status",
            problems,
        )
    if extra:
        raise DomainError(
            422,
            "validation_failed",
            "The request is not valid",
            [{"field": name, "reason": "Extra inputs are not permitted"} for name in extra],
        )


async def post_vacancy(
    *, placement: Placement, employer_id: str, vacancy: VacancyIn, correlation_id: str
) -> Vacancy:
    refuse_discriminatory(vacancy)
    now = datetime.now(UTC)
    async with placement.sessions.begin() as session:
        await require_verified_employer(session, employer_id)
        if vacancy.job_fair_id is not None:
            await take_part_in_fair(session, vacancy.job_fair_id, employer_id)
        record = Vacancy(
            vacancy_id=str(uuid7()),
            employer_id=employer_id,
            openings_filled=0,
            status=VacancyStatus.OPEN.value,
            posted_at=now,
            **vacancy.model_dump(
                exclude={"required_skills", "required_certificates", *(vacancy.model_extra or {})}
            ),
            required_skills=[normalise(skill) for skill in vacancy.required_skills],
            required_certificates=[normalise(name) for name in vacancy.required_certificates],
        )
        session.add(record)
        await session.flush()
        await placement.outbox.add(session, posted_event(record), correlation_id=correlation_id)
    return record


async def take_part_in_fair(session: AsyncSession, job_fair_id: str, employer_id: str) -> None:
    """Record the employer among the fair's employers (once)."""
    await require(session, JobFair, job_fair_id, what="job_fair")
    if await session.get(JobFairEmployer, (job_fair_id, employer_id)) is None:
        session.add(
            JobFairEmployer(job_fair_id=job_fair_id, employer_id=employer_id, joined_at=datetime.now(UTC))
        )


def posted_event(vacancy: Vacancy) -> VacancyPosted:
    return VacancyPosted(
        vacancy_id=vacancy.vacancy_id,
        employer_id=vacancy.employer_id,
        occupation_area=vacancy.occupation_area,
        title=vacancy.title,
        employment_form=vacancy.employment_form,
        openings=vacancy.openings,
        required_skills=vacancy.required_skills,
        required_certificates=vacancy.required_certificates,
        community_code=vacancy.community_code,
        monthly_wage_yuan=vacancy.monthly_wage_yuan,
        hourly_wage_yuan=vacancy.hourly_wage_yuan,
        job_fair_id=vacancy.job_fair_id,
        posted_at=vacancy.posted_at,
    )


async def require_employers_vacancy(session: AsyncSession, employer_id: str, vacancy_id: str) -> Vacancy:
    """The vacancy if this employer posted it; another employer's vacancy is not found."""
    vacancy = await require(session, Vacancy, vacancy_id, what="vacancy")
    if vacancy.employer_id != employer_id:
        raise DomainError(404, "vacancy_not_found", f"No vacancy {vacancy_id} of employer {employer_id}")
    return vacancy


async def close_vacancy(
    *, placement: Placement, employer_id: str, vacancy_id: str, closure: VacancyClosure, correlation_id: str
) -> Vacancy:
    async with placement.sessions.begin() as session:
        vacancy = await require_employers_vacancy(session, employer_id, vacancy_id)
        await shut(placement, session, vacancy, VacancyAction.CLOSE, closure.reason, correlation_id)
    return vacancy


async def shut(
    placement: Placement,
    session: AsyncSession,
    vacancy: Vacancy,
    action: VacancyAction,
    reason: str,
    correlation_id: str,
) -> None:
    """Move the vacancy out of `open` (filled or closed) and say so."""
    vacancy.status = move(VACANCY_TRANSITIONS, VacancyStatus(vacancy.status), action, what="vacancy").value
    vacancy.closed_at = datetime.now(UTC)
    vacancy.close_reason = reason
    event = VacancyClosed(
        vacancy_id=vacancy.vacancy_id,
        occupation_area=vacancy.occupation_area,
        closed_at=vacancy.closed_at,
        reason=reason,
    )
    await placement.outbox.add(session, event, correlation_id=correlation_id)


async def get_vacancy(*, placement: Placement, vacancy_id: str) -> Vacancy:
    async with placement.sessions() as session:
        return await require(session, Vacancy, vacancy_id, what="vacancy")


async def list_vacancies(
    *, placement: Placement, employer_id: str | None, status: VacancyStatus | None, limit: int
) -> list[Vacancy]:
    query = select(Vacancy).order_by(Vacancy.vacancy_id).limit(limit)
    if employer_id is not None:
        query = query.where(Vacancy.employer_id == employer_id)
    if status is not None:
        query = query.where(Vacancy.status == status.value)
    async with placement.sessions() as session:
        return list(await session.scalars(query))
