"""Referrals: an assistant refers a worker to a vacancy; the employer answers."""

from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.placement import ReferralAnswered, ReferralMade
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.common.transitions import move
from services.placement.collaborators import Placement
from services.placement.domain import (
    REFERRAL_TRANSITIONS,
    ReferralAction,
    ReferralStatus,
    VacancyStatus,
)
from services.placement.employers import require_verified_employer
from services.placement.guards import require, require_open_case
from services.placement.models import JobFair, Referral, Vacancy
from services.placement.schemas import ReferralAnswer, ReferralIn

ANSWERS = {
    "interview": ReferralAction.INVITE_TO_INTERVIEW,
    "offer": ReferralAction.OFFER,
    "rejection": ReferralAction.REJECT,
}


async def refer(*, placement: Placement, referral: ReferralIn, correlation_id: str) -> Referral:
    try:
        async with placement.sessions.begin() as session:
            worker = await require_open_case(session, referral.case_id)
            vacancy = await require(session, Vacancy, referral.vacancy_id, what="vacancy")
            if vacancy.status != VacancyStatus.OPEN:
                raise DomainError(409, "vacancy_not_open", f"The vacancy is {vacancy.status}")
            if referral.job_fair_id is not None:
                await require(session, JobFair, referral.job_fair_id, what="job_fair")
            record = Referral(
                referral_id=str(uuid7()),
                case_id=referral.case_id,
                vacancy_id=vacancy.vacancy_id,
                employer_id=vacancy.employer_id,
                assistant_id=referral.assistant_id or worker.assistant_id,
                job_fair_id=referral.job_fair_id,
                status=ReferralStatus.REFERRED.value,
                referred_at=datetime.now(UTC),
            )
            session.add(record)
            await session.flush()
            event = ReferralMade(
                case_id=record.case_id,
                referral_id=record.referral_id,
                vacancy_id=record.vacancy_id,
                employer_id=record.employer_id,
                occupation_area=vacancy.occupation_area,
                assistant_id=record.assistant_id,
                job_fair_id=record.job_fair_id,
                referred_at=record.referred_at,
            )
            await placement.outbox.add(session, event, correlation_id=correlation_id)
    except IntegrityError as error:
        raise DomainError(
            409, "already_referred", "The worker was already referred to this vacancy"
        ) from error
    return record


async def require_employers_referral(session: AsyncSession, employer_id: str, referral_id: str) -> Referral:
    """The referral if it was made to this employer; another employer's referral is not found."""
    referral = await require(session, Referral, referral_id, what="referral")
    if referral.employer_id != employer_id:
        raise DomainError(404, "referral_not_found", f"No referral {referral_id} to employer {employer_id}")
    return referral


def advance(referral: Referral, action: ReferralAction) -> None:
    """The one place a referral's status changes."""
    current = ReferralStatus(referral.status)
    referral.status = move(REFERRAL_TRANSITIONS, current, action, what="referral").value


async def answer(
    *, placement: Placement, employer_id: str, referral_id: str, reply: ReferralAnswer, correlation_id: str
) -> Referral:
    async with placement.sessions.begin() as session:
        await require_verified_employer(session, employer_id)
        referral = await require_employers_referral(session, employer_id, referral_id)
        advance(referral, ANSWERS[reply.answer])
        referral.answered_at = datetime.now(UTC)
        if reply.interview_at is not None:
            referral.interview_at = reply.interview_at
        if reply.rejection_reason is not None:
            referral.rejection_reason = reply.rejection_reason.value
        event = ReferralAnswered(
            case_id=referral.case_id,
            referral_id=referral_id,
            vacancy_id=referral.vacancy_id,
            employer_id=employer_id,
            answer=reply.answer,
            status=referral.status,
            interview_at=referral.interview_at,
            rejection_reason=referral.rejection_reason,
            answered_at=referral.answered_at,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return referral


async def get_referral(*, placement: Placement, referral_id: str) -> Referral:
    async with placement.sessions() as session:
        return await require(session, Referral, referral_id, what="referral")


async def list_referrals(
    *,
    placement: Placement,
    case_id: str | None = None,
    vacancy_id: str | None = None,
    employer_id: str | None = None,
    limit: int = 100,
    within: Select[str] | None = None,
) -> list[Referral]:
    """Referrals by case, vacancy and employer; `within` limits them to these cases."""
    query = select(Referral).order_by(Referral.referral_id).limit(limit)
    if within is not None:
        query = query.where(Referral.case_id.in_(within))
    if case_id is not None:
        query = query.where(Referral.case_id == case_id)
    if vacancy_id is not None:
        query = query.where(Referral.vacancy_id == vacancy_id)
    if employer_id is not None:
        query = query.where(Referral.employer_id == employer_id)
    async with placement.sessions() as session:
        return list(await session.scalars(query))
