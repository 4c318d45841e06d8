"""Intake use cases: each takes its collaborators as keyword arguments."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.events.intake import WorkerRegistered
from contracts.ids import uuid7
from contracts.journey import JourneyStatus
from services.common.errors import DomainError
from services.common.outbox import Outbox
from services.intake.models import WorkerCase
from services.intake.schemas import WorkerRegistration


class JourneyReader(Protocol):
    async def status(self, case_id: str) -> JourneyStatus | None: ...


@dataclass(frozen=True)
class Intake:
    """The intake service's collaborators, wired once in the composition root."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    journeys: JourneyReader


async def register_worker(
    *, intake: Intake, registration: WorkerRegistration, correlation_id: str
) -> WorkerCase:
    """Open a case and write `intake.worker_registered.v1` in the same transaction."""
    case = WorkerCase(
        case_id=str(uuid7()),
        full_name=registration.full_name,
        mobile=registration.mobile,
        community_code=registration.community_code,
        layoff_date=registration.layoff_date,
        layoff_reason=registration.layoff_reason.value,
        status="open",
        registered_at=datetime.now(UTC),
    )
    async with intake.sessions.begin() as session:
        session.add(case)
        await intake.outbox.add(
            session,
            WorkerRegistered(
                case_id=case.case_id,
                community_code=case.community_code,
                layoff_date=case.layoff_date,
                layoff_reason=registration.layoff_reason,
                registered_at=case.registered_at,
            ),
            correlation_id=correlation_id,
        )
    return case


async def get_case(*, intake: Intake, case_id: str) -> WorkerCase:
    async with intake.sessions() as session:
        case = await session.get(WorkerCase, case_id)
    if case is None:
        raise DomainError(404, "case_not_found", f"No case {case_id}")
    return case


async def journey_of(*, intake: Intake, case_id: str) -> JourneyStatus:
    """The stage of the case's journey, as the running workflow reports it."""
    await get_case(intake=intake, case_id=case_id)
    status = await intake.journeys.status(case_id)
    if status is None:
        raise DomainError(404, "journey_not_started", f"The journey of case {case_id} has not started yet")
    return status
