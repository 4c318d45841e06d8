"""The agency's side: its own applications (only while the worker's consent lasts), its decisions, and
the webhook it receives its feed on."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import Agency
from services.benefits import audited, consents
from services.benefits.audited import Resource
from services.benefits.collaborators import BenefitsOffice
from services.benefits.domain import ApplicationStatus
from services.benefits.feeds import feed_message
from services.benefits.models import AgencyWebhook, BenefitApplication
from services.benefits.schemas import AgencyApplicationView, WebhookRegistration, WebhookView
from services.benefits.transitions import require_application
from services.common.audit import Access, AuditAction
from services.common.auth import Principal
from services.common.errors import DomainError

WEBHOOK_SECRET = "agency_webhook_secret"


def require_own_agency(caller: Principal, agency: Agency) -> None:
    """An agency client acts only for the agency its token names (403 `agency_mismatch` otherwise)."""
    if caller.agency != agency.value:
        raise DomainError(
            403,
            "agency_mismatch",
            f"The token acts for {caller.agency or 'no agency'}, not {agency.value}",
            details={"agency": agency.value},
        )


def agency_view(office: BenefitsOffice, application: BenefitApplication) -> AgencyApplicationView:
    return AgencyApplicationView(
        application=feed_message(application, office.protector).model_dump(mode="json"),
        status=application.status,
        decided_at=application.decided_at,
        amount_yuan=application.amount_yuan,
    )


async def shared_application(
    *, office: BenefitsOffice, agency: Agency, application_id: str, access: Access
) -> AgencyApplicationView:
    """One of the agency's applications; 404 for another agency's, 403 `consent_ended` once the worker's
    consent to share with this agency was withdrawn or expired."""
    async with office.transaction() as session:
        application = await require_application(session, application_id, agency=agency)
        await _require_consent(session, office, application)
        await _record_read(session, office, access, agency, [application.case_id])
        return agency_view(office, application)


async def shared_applications(
    *, office: BenefitsOffice, agency: Agency, status: ApplicationStatus | None, access: Access
) -> list[AgencyApplicationView]:
    """The agency's applications whose worker still consents to share with it."""
    query = select(BenefitApplication).where(BenefitApplication.agency == agency.value)
    if status is not None:
        query = query.where(BenefitApplication.status == status.value)
    query = query.order_by(BenefitApplication.due_on, BenefitApplication.application_id).limit(500)
    today = office.clock().date()
    async with office.transaction() as session:
        rows = list(await session.scalars(query))
        shown = [row for row in rows if await consents.is_active(session, row.case_id, agency.value, today)]
        await _record_read(session, office, access, agency, list(dict.fromkeys(row.case_id for row in shown)))
        return [agency_view(office, row) for row in shown]


async def _record_read(
    session: AsyncSession, office: BenefitsOffice, access: Access, agency: Agency, case_ids: list[str]
) -> None:
    fields = audited.feed_fields(agency)
    await audited.record(session, office, access, AuditAction.READ, Resource.AGENCY_FEED, case_ids, fields)


async def _require_consent(
    session: AsyncSession, office: BenefitsOffice, application: BenefitApplication
) -> None:
    if not await consents.is_active(session, application.case_id, application.agency, office.clock().date()):
        raise DomainError(
            403,
            "consent_ended",
            "The worker's consent to share with this agency was withdrawn or has expired",
        )


async def register_webhook(
    *, office: BenefitsOffice, agency: Agency, registration: WebhookRegistration
) -> WebhookView:
    """Set (or replace) where the agency receives its feed, and the secret deliveries are signed with."""
    now = office.clock()
    secret = office.protector.encrypt(registration.secret, purpose=WEBHOOK_SECRET)
    async with office.transaction() as session:
        webhook = await session.get(AgencyWebhook, agency.value)
        if webhook is None:
            webhook = AgencyWebhook(agency=agency.value)
            session.add(webhook)
        webhook.url = str(registration.url)
        webhook.secret_encrypted = secret
        webhook.registered_at = now
        await session.flush()
        return WebhookView(agency=agency, url=webhook.url, registered_at=now)
