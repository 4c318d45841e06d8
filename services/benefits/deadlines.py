"""Decision deadlines: a periodic sweep reminds the agency (on its feed) and the assistant (an event) once
before the due day, and marks an application overdue once after it. Each mark is a conditional UPDATE,
so concurrent sweeps publish once."""

import asyncio
import logging
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.benefits import (
    ApplicationKind,
    ApplicationOverdue,
    ApplicationReminded,
    DecisionReminder,
)
from contracts.events.intake import Agency
from contracts.ids import uuid7
from services.benefits import consents
from services.benefits.collaborators import BenefitsOffice
from services.benefits.domain import REMINDER_DAYS_BEFORE_DUE, ApplicationStatus
from services.benefits.feeds import send_to_agency
from services.benefits.models import BenefitApplication

log = logging.getLogger(__name__)


async def sweep_deadlines(office: BenefitsOffice) -> tuple[int, int]:
    """Remind and mark overdue what is due; `(reminded, overdue)` counts for this sweep."""
    now = office.clock()
    today = now.date()
    correlation_id = str(uuid7())
    reminded = overdue = 0
    async with office.sessions.begin() as session:
        waiting = BenefitApplication.status == ApplicationStatus.SUBMITTED.value
        for application in await session.scalars(
            select(BenefitApplication).where(
                waiting,
                BenefitApplication.reminded_at.is_(None),
                BenefitApplication.due_on <= today + timedelta(days=REMINDER_DAYS_BEFORE_DUE),
            )
        ):
            if await _mark(session, application, "reminded_at", now):
                reminded += 1
                await office.outbox.add(
                    session,
                    ApplicationReminded(**_about(application), due_on=application.due_on, reminded_at=now),
                    correlation_id=correlation_id,
                )
                await _remind_agency(session, office, application, correlation_id)
        for application in await session.scalars(
            select(BenefitApplication).where(
                waiting, BenefitApplication.overdue_at.is_(None), BenefitApplication.due_on < today
            )
        ):
            if await _mark(session, application, "overdue_at", now):
                overdue += 1
                await office.outbox.add(
                    session,
                    ApplicationOverdue(**_about(application), due_on=application.due_on, overdue_at=now),
                    correlation_id=correlation_id,
                )
    return reminded, overdue


async def _remind_agency(
    session: AsyncSession, office: BenefitsOffice, application: BenefitApplication, correlation_id: str
) -> None:
    """The agency's own reminder, on its feed, while the worker still consents to share with it."""
    now = office.clock()
    if not await consents.is_active(session, application.case_id, application.agency, now.date()):
        return
    reminder = DecisionReminder(
        application_id=application.application_id,
        kind=ApplicationKind(application.kind),
        due_on=application.due_on,
        reminded_at=now,
    )
    await send_to_agency(session, office, application, reminder, correlation_id=correlation_id)


def _about(application: BenefitApplication) -> dict[str, Any]:
    return {
        "case_id": application.case_id,
        "application_id": application.application_id,
        "kind": ApplicationKind(application.kind),
        "agency": Agency(application.agency),
    }


async def _mark(session: AsyncSession, application: BenefitApplication, column: str, now: Any) -> bool:
    result = await session.execute(
        update(BenefitApplication)
        .where(
            BenefitApplication.application_id == application.application_id,
            BenefitApplication.status == ApplicationStatus.SUBMITTED.value,
            getattr(BenefitApplication, column).is_(None),
        )
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


async def run_sweeps(office: BenefitsOffice, every_seconds: float) -> None:
    while True:
        try:
            await sweep_deadlines(office)
        except Exception:
            log.exception("sweeping benefit deadlines failed; retrying")
        await asyncio.sleep(every_seconds)
