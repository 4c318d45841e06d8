"""Entrepreneurship: a worker's business plan, the business started, the policy support it needs, the jobs
it gives other laid-off workers, and its closing."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.placement import (
    BusinessClosed,
    BusinessPlanned,
    BusinessStarted,
    BusinessSupportLinked,
)
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.common.transitions import move
from services.placement.collaborators import Placement
from services.placement.domain import BUSINESS_TRANSITIONS, BusinessAction, BusinessStatus, EmployerStatus
from services.placement.employers import registered_event
from services.placement.guards import require, require_open_case
from services.placement.hires import record_hire
from services.placement.models import Business, BusinessSupportLink, Employer, Hire
from services.placement.schemas import (
    BusinessClosure,
    BusinessIn,
    BusinessOut,
    BusinessStart,
    EmployerKind,
    HireOut,
    JobForWorker,
    SupportLinkIn,
    SupportLinkOut,
)


def _move(business: Business, action: BusinessAction) -> None:
    """The one place a business's status changes."""
    current = BusinessStatus(business.status)
    business.status = move(BUSINESS_TRANSITIONS, current, action, what="business").value


async def plan_business(*, placement: Placement, business: BusinessIn, correlation_id: str) -> Business:
    async with placement.sessions.begin() as session:
        await require_open_case(session, business.case_id)
        record = Business(
            business_id=str(uuid7()),
            status=BusinessStatus.PLANNED.value,
            planned_at=datetime.now(UTC),
            **business.model_dump(exclude={"plan"}),
            plan=business.plan.model_dump(),
        )
        session.add(record)
        await session.flush()
        event = BusinessPlanned(
            case_id=record.case_id,
            business_id=record.business_id,
            kind=record.kind,
            community_code=record.community_code,
            planned_at=record.planned_at,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return record


async def start_business(
    *, placement: Placement, business_id: str, start: BusinessStart, correlation_id: str
) -> Business:
    """The business opened: it becomes a verified employer too, so it can post vacancies and hire."""
    async with placement.sessions.begin() as session:
        business = await require(session, Business, business_id, what="business", for_update=True)
        _move(business, BusinessAction.START)
        if start.licence_reference is not None and await session.scalar(
            select(Employer.employer_id).where(Employer.registration_reference == start.licence_reference)
        ):
            raise DomainError(
                409,
                "licence_already_registered",
                "An employer with this licence reference is registered",
                [{"field": "licence_reference", "reason": "already registered"}],
            )
        now = datetime.now(UTC)
        employer = Employer(
            employer_id=str(uuid7()),
            name=business.name,
            kind=EmployerKind.WORKER_BUSINESS.value,
            registration_reference=start.licence_reference,
            community_code=business.community_code,
            status=EmployerStatus.VERIFIED.value,
            registered_at=now,
            verified_at=now,
        )
        session.add(employer)
        await session.flush()
        business.started_on = start.started_on
        business.licence_reference = start.licence_reference
        business.employer_id = employer.employer_id
        if start.address is not None:
            business.address = start.address
        await placement.outbox.add(session, registered_event(employer), correlation_id=correlation_id)
        event = BusinessStarted(
            case_id=business.case_id,
            business_id=business_id,
            kind=business.kind,
            started_on=start.started_on,
            licence_reference=start.licence_reference,
            expected_monthly_income_yuan=business.expected_monthly_income_yuan,
            started_at=now,
            employer_id=employer.employer_id,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return business


async def link_support(
    *, placement: Placement, business_id: str, link: SupportLinkIn, correlation_id: str
) -> BusinessSupportLink:
    """Link a policy-support application; linking the same application again changes nothing."""
    async with placement.sessions.begin() as session:
        business = await require(session, Business, business_id, what="business")
        if business.status == BusinessStatus.CLOSED:
            raise DomainError(409, "business_closed", "The business is closed")
        existing = await session.get(BusinessSupportLink, (business_id, link.application_reference))
        if existing is not None:
            if existing.support_kind != link.support_kind:
                raise DomainError(
                    409, "support_link_conflict", "This application is linked as another kind of support"
                )
            return existing
        record = BusinessSupportLink(
            business_id=business_id,
            application_reference=link.application_reference,
            support_kind=link.support_kind.value,
            linked_at=datetime.now(UTC),
        )
        session.add(record)
        event = BusinessSupportLinked(
            case_id=business.case_id,
            business_id=business_id,
            support_kind=record.support_kind,
            application_reference=record.application_reference,
            linked_at=record.linked_at,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return record


async def create_job(
    *, placement: Placement, business_id: str, job: JobForWorker, correlation_id: str
) -> Hire:
    """A job the business gives another laid-off worker: a hire on that worker's case."""
    async with placement.sessions.begin() as session:
        business = await require(session, Business, business_id, what="business")
        if business.status != BusinessStatus.STARTED or business.employer_id is None:
            raise DomainError(409, "business_not_started", f"The business is {business.status}")
        if job.case_id == business.case_id:
            raise DomainError(
                422,
                "validation_failed",
                "The request is not valid",
                [{"field": "case_id", "reason": "the owner's own work is the business start itself"}],
            )
        await require_open_case(session, job.case_id)
        return await record_hire(
            placement,
            session,
            case_id=job.case_id,
            employer_id=business.employer_id,
            terms=job,
            business_id=business_id,
            correlation_id=correlation_id,
        )


async def close_business(
    *, placement: Placement, business_id: str, closure: BusinessClosure, correlation_id: str
) -> Business:
    async with placement.sessions.begin() as session:
        business = await require(session, Business, business_id, what="business", for_update=True)
        _move(business, BusinessAction.CLOSE)
        assert business.started_on is not None
        if closure.closed_on < business.started_on:
            raise DomainError(
                422,
                "validation_failed",
                "The request is not valid",
                [{"field": "closed_on", "reason": f"must not be before the start {business.started_on}"}],
            )
        business.closed_on = closure.closed_on
        business.close_reason = closure.reason
        event = BusinessClosed(
            case_id=business.case_id,
            business_id=business_id,
            closed_on=closure.closed_on,
            reason=closure.reason,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return business


async def describe(*, placement: Placement, business_id: str) -> BusinessOut:
    """The business with its support applications and the jobs it created."""
    async with placement.sessions() as session:
        business = await require(session, Business, business_id, what="business")
        return await _described(session, business)


async def _described(session: AsyncSession, business: Business) -> BusinessOut:
    links = await session.scalars(
        select(BusinessSupportLink)
        .where(BusinessSupportLink.business_id == business.business_id)
        .order_by(BusinessSupportLink.linked_at)
    )
    jobs = await session.scalars(
        select(Hire).where(Hire.business_id == business.business_id).order_by(Hire.hire_id)
    )
    out = BusinessOut.model_validate(business)
    out.support = [SupportLinkOut.model_validate(link) for link in links]
    out.jobs_created = [HireOut.model_validate(job) for job in jobs]
    return out
