"""Hires (contract terms, wage, social insurance) and job endings."""

from datetime import UTC, datetime

from sqlalchemy import Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.placement import Hired, JobEnded
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.common.transitions import move
from services.placement.collaborators import Placement
from services.placement.domain import (
    HIRE_TRANSITIONS,
    HireAction,
    HireStatus,
    ReferralAction,
    VacancyAction,
    VacancyStatus,
)
from services.placement.employers import require_employers_vacancy, require_verified_employer, shut
from services.placement.guards import require, require_open_case
from services.placement.models import Hire, Vacancy
from services.placement.referrals import advance, require_employers_referral
from services.placement.schemas import DirectHire, HireTerms, JobEnding


async def take_opening(
    placement: Placement, session: AsyncSession, vacancy_id: str, correlation_id: str
) -> Vacancy:
    """Fill one opening with a conditional UPDATE (no two hires can take the last one); the last one fills
    the vacancy."""
    taken = await session.execute(
        update(Vacancy)
        .where(
            Vacancy.vacancy_id == vacancy_id,
            Vacancy.status == VacancyStatus.OPEN.value,
            Vacancy.openings_filled < Vacancy.openings,
        )
        .values(openings_filled=Vacancy.openings_filled + 1, version=Vacancy.version + 1)
        .execution_options(synchronize_session=False)
    )
    vacancy = await session.get(Vacancy, vacancy_id, populate_existing=True)
    if vacancy is None:
        raise DomainError(404, "vacancy_not_found", f"No vacancy {vacancy_id}")
    if taken.rowcount == 0:  # type: ignore[attr-defined]
        raise DomainError(409, "vacancy_not_open", f"The vacancy is {vacancy.status} with no opening left")
    if vacancy.openings_filled == vacancy.openings:
        await shut(placement, session, vacancy, VacancyAction.FILL_LAST_OPENING, "filled", correlation_id)
    return vacancy


async def record_hire(
    placement: Placement,
    session: AsyncSession,
    *,
    case_id: str,
    employer_id: str,
    terms: HireTerms,
    correlation_id: str,
    vacancy: Vacancy | None = None,
    referral_id: str | None = None,
    business_id: str | None = None,
) -> Hire:
    form = terms.employment_form or (vacancy.employment_form if vacancy else None)
    if form is None:
        raise DomainError(
            422,
            "validation_failed",
            "The request is not valid",
            [{"field": "employment_form", "reason": "required when the hire is not for a vacancy"}],
        )
    hire = Hire(
        hire_id=str(uuid7()),
        case_id=case_id,
        employer_id=employer_id,
        vacancy_id=vacancy.vacancy_id if vacancy else None,
        referral_id=referral_id,
        business_id=business_id,
        occupation_area=vacancy.occupation_area if vacancy else None,
        employment_form=form,
        has_labour_contract=terms.has_labour_contract,
        contract_months=terms.contract_months,
        start_date=terms.start_date,
        monthly_wage_yuan=terms.monthly_wage_yuan,
        social_insurance=terms.social_insurance,
        status=HireStatus.ACTIVE.value,
        hired_at=datetime.now(UTC),
    )
    session.add(hire)
    await session.flush()
    event = Hired(
        case_id=case_id,
        hire_id=hire.hire_id,
        employer_id=employer_id,
        vacancy_id=hire.vacancy_id,
        employment_form=hire.employment_form,
        has_labour_contract=hire.has_labour_contract,
        contract_months=hire.contract_months,
        start_date=hire.start_date,
        monthly_wage_yuan=hire.monthly_wage_yuan,
        social_insurance=hire.social_insurance,
        hired_at=hire.hired_at,
        occupation_area=hire.occupation_area,
        referral_id=referral_id,
        business_id=business_id,
    )
    await placement.outbox.add(session, event, correlation_id=correlation_id)
    return hire


async def hire_referred_worker(
    *, placement: Placement, employer_id: str, referral_id: str, terms: HireTerms, correlation_id: str
) -> Hire:
    """The employer confirms the hire of a worker it offered the job to."""
    async with placement.sessions.begin() as session:
        await require_verified_employer(session, employer_id)
        referral = await require_employers_referral(session, employer_id, referral_id)
        advance(referral, ReferralAction.HIRE)
        await require_open_case(session, referral.case_id)
        vacancy = await take_opening(placement, session, referral.vacancy_id, correlation_id)
        return await record_hire(
            placement,
            session,
            case_id=referral.case_id,
            employer_id=employer_id,
            terms=terms,
            vacancy=vacancy,
            referral_id=referral_id,
            correlation_id=correlation_id,
        )


async def hire_directly(*, placement: Placement, hire: DirectHire, correlation_id: str) -> Hire:
    """A hire without a referral: the worker found the job, or the employer called them directly."""
    async with placement.sessions.begin() as session:
        await require_open_case(session, hire.case_id)
        await require_verified_employer(session, hire.employer_id)
        vacancy = None
        if hire.vacancy_id is not None:
            await require_employers_vacancy(session, hire.employer_id, hire.vacancy_id)
            vacancy = await take_opening(placement, session, hire.vacancy_id, correlation_id)
        return await record_hire(
            placement,
            session,
            case_id=hire.case_id,
            employer_id=hire.employer_id,
            terms=hire,
            vacancy=vacancy,
            correlation_id=correlation_id,
        )


async def end_job(*, placement: Placement, hire_id: str, ending: JobEnding, correlation_id: str) -> Hire:
    """The job ended: the hire stays on record, ended, and the worker goes back to placement."""
    async with placement.sessions.begin() as session:
        hire = await require(session, Hire, hire_id, what="hire")
        if ending.ended_on < hire.start_date:
            raise DomainError(
                422,
                "validation_failed",
                "The request is not valid",
                [{"field": "ended_on", "reason": f"must not be before the start date {hire.start_date}"}],
            )
        hire.status = move(HIRE_TRANSITIONS, HireStatus(hire.status), HireAction.END, what="hire").value
        hire.ended_on = ending.ended_on
        hire.end_reason = ending.reason.value
        event = JobEnded(
            case_id=hire.case_id,
            hire_id=hire_id,
            ended_on=ending.ended_on,
            reason=ending.reason.value,
            ended_at=datetime.now(UTC),
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return hire


async def get_hire(*, placement: Placement, hire_id: str) -> Hire:
    async with placement.sessions() as session:
        return await require(session, Hire, hire_id, what="hire")


async def list_hires(
    *,
    placement: Placement,
    case_id: str | None,
    employer_id: str | None,
    within: Select[str] | None = None,
) -> list[Hire]:
    """Hires by case and employer; `within` limits them to these cases."""
    query = select(Hire).order_by(Hire.hire_id).limit(500)
    if within is not None:
        query = query.where(Hire.case_id.in_(within))
    if case_id is not None:
        query = query.where(Hire.case_id == case_id)
    if employer_id is not None:
        query = query.where(Hire.employer_id == employer_id)
    async with placement.sessions() as session:
        return list(await session.scalars(query))
