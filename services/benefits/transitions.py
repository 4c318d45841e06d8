"""The one function that changes an application's status: by the transition table, published."""

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.benefits import (
    ApplicationDecided,
    ApplicationKind,
    ApplicationRetracted,
    ApplicationWithdrawn,
)
from contracts.events.intake import Agency
from services.benefits import consents
from services.benefits.collaborators import BenefitsOffice
from services.benefits.domain import ApplicationAction, ApplicationStatus, TransitionRefused, next_status
from services.benefits.feeds import send_to_agency
from services.benefits.models import BenefitApplication, FeedDelivery
from services.common.errors import DomainError


async def require_application(
    session: AsyncSession, application_id: str, *, agency: Agency | None = None
) -> BenefitApplication:
    """The application (of `agency`, when given), or 404 `application_not_found`."""
    query = select(BenefitApplication).where(BenefitApplication.application_id == application_id)
    if agency is not None:
        query = query.where(BenefitApplication.agency == agency.value)
    application = await session.scalar(query)
    if application is None:
        raise DomainError(404, "application_not_found", f"No application {application_id}")
    return application


async def change_status(
    session: AsyncSession,
    office: BenefitsOffice,
    application: BenefitApplication,
    action: ApplicationAction,
    *,
    correlation_id: str,
) -> None:
    """Move the application by `action` (409 `application_transition_refused` if the table has no such
    move) and write `application_decided` or `application_withdrawn` to the outbox; a withdrawal cancels
    what still waits to go to the agency and tells it, on its feed, to stop. The caller has set
    the decision's fields (amount, terms) before calling."""
    current = ApplicationStatus(application.status)
    try:
        new = next_status(current, action)
    except TransitionRefused as refused:
        raise DomainError(
            409,
            "application_transition_refused",
            f"The application: {refused}",
            details={"status": current.value},
        ) from refused
    now = office.clock()
    application.status = new.value
    kind, agency = ApplicationKind(application.kind), Agency(application.agency)
    if new is ApplicationStatus.WITHDRAWN:
        application.withdrawn_at = now
        event: ApplicationDecided | ApplicationWithdrawn = ApplicationWithdrawn(
            case_id=application.case_id,
            application_id=application.application_id,
            kind=kind,
            agency=agency,
            withdrawn_at=now,
        )
        await session.execute(
            update(FeedDelivery)
            .where(
                FeedDelivery.application_id == application.application_id, FeedDelivery.status == "pending"
            )
            .values(status="cancelled", last_error="application withdrawn", version=FeedDelivery.version + 1)
        )
        if await consents.is_active(session, application.case_id, application.agency, now.date()):
            retracted = ApplicationRetracted(
                application_id=application.application_id, kind=kind, retracted_at=now
            )
            await send_to_agency(session, office, application, retracted, correlation_id=correlation_id)
    else:
        application.decided_at = now
        event = ApplicationDecided(
            case_id=application.case_id,
            application_id=application.application_id,
            kind=kind,
            agency=agency,
            decision="approved" if new is ApplicationStatus.APPROVED else "rejected",
            amount_yuan=application.amount_yuan,
            decided_at=now,
            term_months=application.decided_term_months,
            interest_subsidy_percent=application.interest_subsidy_percent,
        )
    await session.flush()
    await office.outbox.add(session, event, correlation_id=correlation_id)
