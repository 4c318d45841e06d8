"""Benefits routes: staff and the journey (`/applications`, staff or service tokens, an assistant only for
their community's cases), agencies (`/agencies/{agency}/…`, tokens with the agency's claim), operators
(`/feed-deliveries`). Every read and change of a worker's data is recorded in the audit log."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from contracts.events.intake import Agency
from services.benefits import agency as agency_side
from services.benefits import applications, webhooks
from services.benefits.access import Applicant, StaffReader
from services.benefits.collaborators import BenefitsOffice
from services.benefits.domain import ApplicationStatus
from services.benefits.schemas import (
    AgencyApplicationView,
    ApplicationRequest,
    ApplicationView,
    Decision,
    DeliveryView,
    WebhookRegistration,
    WebhookView,
    Withdrawal,
)
from services.common import scopes
from services.common.audit_api import CurrentAccess
from services.common.auth import Principal, require
from services.common.client_rate_limit import rate_limited

router = APIRouter(tags=["applications"])
agency_router = APIRouter(
    prefix="/agencies/{agency}",
    tags=["agencies"],
    responses={429: {"description": "Over the client's rate limit (`rate_limited`); see Retry-After"}},
)
operator_router = APIRouter(prefix="/feed-deliveries", tags=["feeds"])


def _office(request: Request) -> BenefitsOffice:
    office: BenefitsOffice = request.app.state.office
    return office


Office = Annotated[BenefitsOffice, Depends(_office)]
AgencyReader = Annotated[Principal, Depends(rate_limited(scopes.BENEFITS_READ))]
AgencyDecider = Annotated[Principal, Depends(rate_limited(scopes.BENEFITS_DECIDE))]
Operator = Annotated[Principal, Depends(require(scopes.BENEFITS_FEEDS))]


@router.post("/applications", response_model=ApplicationView, status_code=201)
async def submit(
    request: ApplicationRequest, response: Response, office: Office, caller: Applicant, access: CurrentAccess
) -> ApplicationView:
    """Submit an application; it is routed to the competent agency at once. Needs the worker's consent to
    that agency (409 `consent_required`). The same `application_key` again answers 200 with the same one."""
    view, created = await applications.submit_application(
        office=office, request=request, caller=caller, access=access
    )
    if not created:
        response.status_code = 200
    return view


@router.get("/applications", response_model=list[ApplicationView])
async def list_applications(
    office: Office,
    caller: StaffReader,
    access: CurrentAccess,
    case_id: str | None = None,
    status: ApplicationStatus | None = None,
) -> list[ApplicationView]:
    """The applications of the cases the caller reaches (a labour assistant: their community's)."""
    return await applications.list_applications(
        office=office, case_id=case_id, status=status, caller=caller, access=access
    )


@router.get("/applications/{application_id}", response_model=ApplicationView)
async def read_application(
    application_id: str, office: Office, caller: StaffReader, access: CurrentAccess
) -> ApplicationView:
    return await applications.read_application(
        office=office, application_id=application_id, caller=caller, access=access
    )


@router.post("/applications/{application_id}/withdrawal", response_model=ApplicationView)
async def withdraw(
    application_id: str, withdrawal: Withdrawal, office: Office, caller: Applicant, access: CurrentAccess
) -> ApplicationView:
    return await applications.withdraw_application(
        office=office, application_id=application_id, withdrawal=withdrawal, caller=caller, access=access
    )


@agency_router.get("/applications", response_model=list[AgencyApplicationView])
async def agency_applications(
    agency: Agency,
    caller: AgencyReader,
    office: Office,
    access: CurrentAccess,
    status: ApplicationStatus | None = None,
) -> list[AgencyApplicationView]:
    """The agency's applications whose worker still consents to share with it, by due day."""
    agency_side.require_own_agency(caller, agency)
    return await agency_side.shared_applications(office=office, agency=agency, status=status, access=access)


@agency_router.get("/applications/{application_id}", response_model=AgencyApplicationView)
async def agency_application(
    agency: Agency, application_id: str, caller: AgencyReader, office: Office, access: CurrentAccess
) -> AgencyApplicationView:
    agency_side.require_own_agency(caller, agency)
    return await agency_side.shared_application(
        office=office, agency=agency, application_id=application_id, access=access
    )


@agency_router.post("/applications/{application_id}/decision", response_model=AgencyApplicationView)
async def decide(
    agency: Agency,
    application_id: str,
    decision: Decision,
    caller: AgencyDecider,
    office: Office,
    access: CurrentAccess,
) -> AgencyApplicationView:
    """Approve (an approved micro_loan states `amount_yuan` and `term_months`) or reject (with a reason)."""
    agency_side.require_own_agency(caller, agency)
    decided = await applications.decide_application(
        office=office,
        agency=agency,
        application_id=application_id,
        decision=decision,
        access=access,
    )
    return agency_side.agency_view(office, decided)


@agency_router.put("/webhook", response_model=WebhookView)
async def register_webhook(
    agency: Agency, registration: WebhookRegistration, caller: AgencyDecider, office: Office
) -> WebhookView:
    """Where the agency receives its feed, and the HMAC secret its deliveries are signed with."""
    agency_side.require_own_agency(caller, agency)
    return await agency_side.register_webhook(office=office, agency=agency, registration=registration)


@operator_router.get("", response_model=list[DeliveryView])
async def deliveries(
    _caller: Operator,
    office: Office,
    status: Annotated[str | None, Query(pattern="^(pending|delivered|dead_lettered|cancelled)$")] = None,
    agency: Agency | None = None,
) -> list[DeliveryView]:
    """Webhook deliveries; `status=dead_lettered` is the list an operator replays from."""
    return await webhooks.list_deliveries(office=office, status=status, agency=agency)


@operator_router.post("/{delivery_id}/replay", response_model=DeliveryView)
async def replay(delivery_id: str, _caller: Operator, office: Office, access: CurrentAccess) -> DeliveryView:
    return await webhooks.replay_delivery(office=office, delivery_id=delivery_id, access=access)
