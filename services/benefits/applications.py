"""Use cases on applications: submit (routed to the agency), withdraw, decide, read."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.benefits import FEED_MODELS, ApplicationKind, ApplicationSubmitted
from contracts.events.intake import Agency
from contracts.ids import uuid7
from services.benefits import audited, consents
from services.benefits.access import require_reach
from services.benefits.audited import Resource
from services.benefits.collaborators import BenefitsOffice
from services.benefits.communities import community_of
from services.benefits.domain import (
    COMPETENT_AGENCY,
    ApplicationAction,
    ApplicationStatus,
    application_problems,
    decision_problems,
    due_on,
)
from services.benefits.feeds import FULL_NAME, RESIDENT_ID_MASKED, route_to_agency
from services.benefits.models import BenefitApplication, CaseCommunity
from services.benefits.schemas import ApplicationRequest, ApplicationView, Decision, Withdrawal
from services.benefits.transitions import change_status, require_application
from services.common.audit import Access, AuditAction
from services.common.auth import Principal
from services.common.errors import DomainError
from services.common.reach import case_reach

REQUEST_FINGERPRINT = "benefit_application_request"


def view_of(application: BenefitApplication) -> ApplicationView:
    return ApplicationView.model_validate(application, from_attributes=True)


async def submit_application(
    *, office: BenefitsOffice, request: ApplicationRequest, caller: Principal, access: Access
) -> tuple[ApplicationView, bool]:
    """Create the application and route it to its agency; `(view, created)`. The same key with the same
    content gives the existing application; with other content, 409 `application_key_conflict`. The
    caller must reach the worker's case (403 `case_out_of_reach`)."""
    problems = application_problems(request.kind, request.requested_amount_yuan, request.term_months)
    if problems:
        raise DomainError(422, "application_invalid", "The application breaks a policy rule", problems)
    fingerprint = office.protector.lookup_hash(request.model_dump_json(), purpose=REQUEST_FINGERPRINT)
    try:
        async with office.transaction() as session:
            existing = await _by_key(session, request.application_key)
            if existing is not None:
                return await _submitted_before(session, office, existing, fingerprint, caller, access), False
            application = await _create(session, office, request, fingerprint, caller, access)
            return view_of(application), True
    except IntegrityError:
        async with office.transaction() as session:
            existing = await _by_key(session, request.application_key)
            if existing is None:
                raise
            return await _submitted_before(session, office, existing, fingerprint, caller, access), False


async def _create(
    session: AsyncSession,
    office: BenefitsOffice,
    request: ApplicationRequest,
    fingerprint: str,
    caller: Principal,
    access: Access,
) -> BenefitApplication:
    now = office.clock()
    agency = COMPETENT_AGENCY[request.kind]
    require_reach(caller, request.case_id, await community_of(session, request.case_id))
    if not await consents.is_active(session, request.case_id, agency.value, now.date()):
        raise DomainError(
            409,
            "consent_required",
            f"The worker has not consented to share with {agency.value}, or withdrew it",
            details={"agency": agency.value},
        )
    protect = office.protector.encrypt
    application = BenefitApplication(
        application_id=str(uuid7()),
        application_key=request.application_key,
        request_fingerprint=fingerprint,
        case_id=request.case_id,
        kind=request.kind.value,
        agency=agency.value,
        status=ApplicationStatus.SUBMITTED.value,
        assistant_id=request.assistant_id,
        full_name_encrypted=protect(request.full_name, purpose=FULL_NAME),
        resident_id_masked_encrypted=protect(request.resident_id_masked, purpose=RESIDENT_ID_MASKED),
        requested_amount_yuan=request.requested_amount_yuan,
        term_months=request.term_months,
        business_kind=request.business_kind,
        due_on=due_on(request.kind, now.date()),
        submitted_at=now,
    )
    session.add(application)
    await session.flush()
    await office.outbox.add(
        session,
        ApplicationSubmitted(
            case_id=application.case_id,
            application_id=application.application_id,
            kind=request.kind,
            agency=agency,
            due_on=application.due_on,
            submitted_at=now,
        ),
        correlation_id=access.correlation_id,
    )
    await route_to_agency(session, office, application, correlation_id=access.correlation_id)
    case = [application.case_id]
    await audited.record(
        session, office, access, AuditAction.CREATE, Resource.APPLICATION, case, audited.SUBMITTED_FIELDS
    )
    feed = tuple(FEED_MODELS[agency].model_fields)
    await audited.record(session, office, access, AuditAction.CREATE, Resource.AGENCY_FEED, case, feed)
    return application


async def _by_key(session: AsyncSession, key: str) -> BenefitApplication | None:
    found: BenefitApplication | None = await session.scalar(
        select(BenefitApplication).where(BenefitApplication.application_key == key)
    )
    return found


async def _submitted_before(
    session: AsyncSession,
    office: BenefitsOffice,
    existing: BenefitApplication,
    fingerprint: str,
    caller: Principal,
    access: Access,
) -> ApplicationView:
    """The application the key already names, read back (recorded as a read) when the content matches."""
    require_reach(caller, existing.case_id, await community_of(session, existing.case_id))
    view = _same_request(existing, fingerprint)
    await _record_read(session, office, access, [existing.case_id])
    return view


async def _record_read(
    session: AsyncSession, office: BenefitsOffice, access: Access, case_ids: list[str]
) -> None:
    await audited.record(
        session, office, access, AuditAction.READ, Resource.APPLICATION, case_ids, audited.STAFF_FIELDS
    )


def _same_request(existing: BenefitApplication, fingerprint: str) -> ApplicationView:
    if existing.request_fingerprint != fingerprint:
        raise DomainError(
            409,
            "application_key_conflict",
            f"The key {existing.application_key} names another application",
            details={"application_id": existing.application_id},
        )
    return view_of(existing)


async def withdraw_application(
    *,
    office: BenefitsOffice,
    application_id: str,
    withdrawal: Withdrawal,
    caller: Principal,
    access: Access,
) -> ApplicationView:
    async with office.transaction() as session:
        application = await require_application(session, application_id)
        require_reach(caller, application.case_id, await community_of(session, application.case_id))
        application.decision_reason = withdrawal.reason
        await change_status(
            session, office, application, ApplicationAction.WITHDRAW, correlation_id=access.correlation_id
        )
        await audited.record(
            session,
            office,
            access,
            AuditAction.UPDATE,
            Resource.APPLICATION,
            [application.case_id],
            audited.WITHDRAWN_FIELDS,
        )
        return view_of(application)


async def decide_application(
    *,
    office: BenefitsOffice,
    agency: Agency,
    application_id: str,
    decision: Decision,
    access: Access,
) -> BenefitApplication:
    """The agency approves (with amount and terms) or rejects (with a reason) one of its applications;
    the answer shows it the application again (recorded as a read of its feed)."""
    approve = decision.decision == "approved"
    async with office.transaction() as session:
        application = await require_application(session, application_id, agency=agency)
        kind = ApplicationKind(application.kind)
        problems = decision_problems(
            kind,
            approve,
            reason=decision.reason,
            amount_yuan=decision.amount_yuan,
            term_months=decision.term_months,
        )
        if problems:
            raise DomainError(422, "decision_invalid", "The decision lacks what its kind needs", problems)
        application.decision_reason = decision.reason
        application.amount_yuan = decision.amount_yuan if approve else None
        application.decided_term_months = decision.term_months if approve else None
        application.guarantee = decision.guarantee if approve else None
        application.interest_subsidy_percent = decision.interest_subsidy_percent if approve else None
        action = ApplicationAction.APPROVE if approve else ApplicationAction.REJECT
        await change_status(session, office, application, action, correlation_id=access.correlation_id)
        case = [application.case_id]
        await audited.record(
            session, office, access, AuditAction.UPDATE, Resource.APPLICATION, case, audited.DECISION_FIELDS
        )
        await audited.record(
            session,
            office,
            access,
            AuditAction.READ,
            Resource.AGENCY_FEED,
            case,
            audited.feed_fields(application.agency),
        )
        return application


async def read_application(
    *, office: BenefitsOffice, application_id: str, caller: Principal, access: Access
) -> ApplicationView:
    async with office.transaction() as session:
        application = await require_application(session, application_id)
        require_reach(caller, application.case_id, await community_of(session, application.case_id))
        await _record_read(session, office, access, [application.case_id])
        return view_of(application)


async def list_applications(
    *,
    office: BenefitsOffice,
    case_id: str | None,
    status: ApplicationStatus | None,
    caller: Principal,
    access: Access,
) -> list[ApplicationView]:
    """Applications of the cases the caller reaches (an assistant: their community's), oldest first."""
    query = (
        select(BenefitApplication)
        .outerjoin(CaseCommunity, CaseCommunity.case_id == BenefitApplication.case_id)
        .order_by(BenefitApplication.submitted_at, BenefitApplication.application_id)
    )
    reach = case_reach(caller, CaseCommunity.community_code, communities_of_street=None)
    if reach is not None:
        query = query.where(reach)
    if case_id is not None:
        query = query.where(BenefitApplication.case_id == case_id)
    if status is not None:
        query = query.where(BenefitApplication.status == status.value)
    async with office.transaction() as session:
        shown = list(await session.scalars(query.limit(500)))
        await _record_read(session, office, access, list(dict.fromkeys(row.case_id for row in shown)))
        return [view_of(application) for application in shown]
