"""Training's consumer group: intake's cases, consents and skills profiles, and placement's vacancies, kept as
local views in training's database. Each event is applied once, through the inbox."""

from datetime import date, datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from contracts.events.intake import (
    CaseClosed,
    CaseReopened,
    ConsentGranted,
    ConsentWithdrawn,
    SkillsProfileUpdated,
    WorkerRegistered,
)
from contracts.occupations import OccupationArea
from services.common.consumer import PermanentError
from services.common.inbox import Effect, Inbox, InboxHandler
from services.common.outbox import Outbox
from services.training.domain import CaseStatus, VacancyStatus
from services.training.models import DemandedVacancy, KnownCase, KnownConsent, inbox, outbox
from services.training.withdrawals import withdraw_closed_case

CONSUMER = "training"
OUTBOX = Outbox(outbox)


class VacancyPosted(BaseModel):
    """The fields of `placement.vacancy_posted.v1` the demand view needs (a tolerant reader)."""

    model_config = ConfigDict(extra="ignore")

    vacancy_id: str
    occupation_area: OccupationArea
    title: str
    openings: int
    required_skills: list[str] = []
    required_certificates: list[str] = []
    posted_at: datetime


class VacancyClosed(BaseModel):
    model_config = ConfigDict(extra="ignore")

    vacancy_id: str
    closed_at: datetime


Payload = TypeVar("Payload", bound=BaseModel)


def _parse(model: type[Payload], envelope: Envelope) -> Payload:
    try:
        return model.model_validate(envelope.data)
    except ValidationError as error:
        raise PermanentError(f"{envelope.type} {envelope.id} does not match its schema: {error}") from error


async def _case(session: AsyncSession, case_id: str, moment: datetime) -> KnownCase:
    """The case's local copy; created on first sight (a consent may arrive from a replay before anything)."""
    case = await session.get(KnownCase, case_id)
    if case is None:
        case = KnownCase(
            case_id=case_id,
            status=CaseStatus.OPEN.value,
            profile_version=0,
            skills=[],
            certificates=[],
            desired_occupations=[],
            updated_at=moment,
        )
        session.add(case)
    return case


async def worker_registered(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(WorkerRegistered, envelope)
    case = await _case(session, event.case_id, event.registered_at)
    case.community_code = event.community_code


async def case_closed(session: AsyncSession, envelope: Envelope) -> None:
    """The case is closed, and leaves its classes: a place it held goes to the next worker waiting."""
    event = _parse(CaseClosed, envelope)
    case = await _case(session, event.case_id, event.closed_at)
    case.status = CaseStatus.CLOSED.value
    case.updated_at = event.closed_at
    await withdraw_closed_case(
        session,
        OUTBOX,
        case_id=event.case_id,
        now=event.closed_at,
        correlation_id=envelope.correlationid,
        causation_id=envelope.id,
    )


async def case_reopened(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(CaseReopened, envelope)
    case = await _case(session, event.case_id, event.reopened_at)
    case.status = CaseStatus.OPEN.value
    case.updated_at = event.reopened_at


async def skills_profile_updated(session: AsyncSession, envelope: Envelope) -> None:
    """Keep the newest version only: an older one arriving late changes nothing."""
    event = _parse(SkillsProfileUpdated, envelope)
    case = await _case(session, event.case_id, envelope.time)
    if event.version <= case.profile_version:
        return
    case.profile_version = event.version
    case.skills = event.skills
    case.certificates = event.certificates
    case.desired_occupations = event.desired_occupations
    case.updated_at = envelope.time


async def consent_granted(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(ConsentGranted, envelope)
    await _case(session, event.case_id, event.granted_at)
    if await session.get(KnownConsent, event.consent_id) is None:
        session.add(
            KnownConsent(
                consent_id=event.consent_id,
                case_id=event.case_id,
                agency=event.agency.value,
                purpose=event.purpose,
                expires_on=event.expires_on,
                withdrawn_at=None,
            )
        )


async def consent_withdrawn(session: AsyncSession, envelope: Envelope) -> None:
    """A withdrawal of a consent not seen yet is kept, so the grant arriving later stays withdrawn."""
    event = _parse(ConsentWithdrawn, envelope)
    consent = await session.get(KnownConsent, event.consent_id)
    if consent is None:
        session.add(
            KnownConsent(
                consent_id=event.consent_id,
                case_id=event.case_id,
                agency=event.agency.value,
                purpose="",
                expires_on=date.min,
                withdrawn_at=event.withdrawn_at,
            )
        )
        return
    consent.withdrawn_at = event.withdrawn_at


async def vacancy_posted(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(VacancyPosted, envelope)
    if await session.get(DemandedVacancy, event.vacancy_id) is not None:
        return
    session.add(
        DemandedVacancy(
            vacancy_id=event.vacancy_id,
            occupation_area=event.occupation_area.value,
            title=event.title,
            openings=event.openings,
            required_skills=event.required_skills,
            required_certificates=event.required_certificates,
            status=VacancyStatus.OPEN.value,
            posted_at=event.posted_at,
        )
    )


async def vacancy_closed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(VacancyClosed, envelope)
    vacancy = await session.scalar(
        select(DemandedVacancy).where(DemandedVacancy.vacancy_id == event.vacancy_id)
    )
    if vacancy is not None:
        vacancy.status = VacancyStatus.CLOSED.value
        vacancy.closed_at = event.closed_at


EFFECTS: dict[str, Effect] = {
    WorkerRegistered.event_type: worker_registered,
    CaseClosed.event_type: case_closed,
    CaseReopened.event_type: case_reopened,
    SkillsProfileUpdated.event_type: skills_profile_updated,
    ConsentGranted.event_type: consent_granted,
    ConsentWithdrawn.event_type: consent_withdrawn,
    "placement.vacancy_posted.v1": vacancy_posted,
    "placement.vacancy_closed.v1": vacancy_closed,
}


def build_handler(sessions: async_sessionmaker[AsyncSession]) -> InboxHandler:
    """Dispatch by event type; types training has no use for are ignored."""
    once = Inbox(consumer=CONSUMER, table=inbox, sessions=sessions)
    return InboxHandler(once, lambda envelope: EFFECTS.get(envelope.type))
