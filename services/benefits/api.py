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
from services.common.error_responses import refusals

STAFF_ONLY = "`staff_only`: agency, employer and provider clients use their own routes"
OUT_OF_REACH = "`case_out_of_reach`: the case is not in the caller's community (or not known yet)"
CHANGED = "`application_changed_concurrently`: retry"
APPLICATION = refusals({403: f"{STAFF_ONLY}; or {OUT_OF_REACH}", 404: "`application_not_found`"})
AGENCY_MISMATCH = "`agency_mismatch`: the token acts for another agency"
AGENCY_APPLICATION = refusals(
    {
        403: f"{AGENCY_MISMATCH}; or `consent_ended`: the worker no longer consents to share with it",
        404: "`application_not_found` (or not this agency's)",
    }
)

router = APIRouter(tags=["applications"])
agency_router = APIRouter(prefix="/agencies/{agency}", tags=["agencies"])
operator_router = APIRouter(prefix="/feed-deliveries", tags=["feeds"])


async def _office(request: Request) -> BenefitsOffice:
    office: BenefitsOffice = request.app.state.office
    return office


Office = Annotated[BenefitsOffice, Depends(_office)]
AgencyReader = Annotated[Principal, Depends(rate_limited(scopes.BENEFITS_READ))]
AgencyDecider = Annotated[Principal, Depends(rate_limited(scopes.BENEFITS_DECIDE))]
Operator = Annotated[Principal, Depends(require(scopes.BENEFITS_FEEDS))]


@router.post(
    "/applications",
    response_model=ApplicationView,
    status_code=201,
    responses={
        200: {"model": ApplicationView, "description": "Submitted before under this `application_key`"},
        **refusals(
            {
                403: f"{STAFF_ONLY}; or {OUT_OF_REACH}",
                409: "`consent_required`: the worker has not consented to share with the agency; or "
                f"`application_key_conflict`: the key holds another application; or {CHANGED}",
                422: "`application_invalid`: the application breaks a policy rule; `errors` names each",
            }
        ),
    },
)
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


@router.get("/applications", response_model=list[ApplicationView], responses=refusals({403: STAFF_ONLY}))
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


@router.get("/applications/{application_id}", response_model=ApplicationView, responses=APPLICATION)
async def read_application(
    application_id: str, office: Office, caller: StaffReader, access: CurrentAccess
) -> ApplicationView:
    return await applications.read_application(
        office=office, application_id=application_id, caller=caller, access=access
    )


@router.post(
    "/applications/{application_id}/withdrawal",
    response_model=ApplicationView,
    responses=APPLICATION
    | refusals({409: f"`application_transition_refused`: decided or withdrawn already; or {CHANGED}"}),
)
async def withdraw(
    application_id: str, withdrawal: Withdrawal, office: Office, caller: Applicant, access: CurrentAccess
) -> ApplicationView:
    return await applications.withdraw_application(
        office=office, application_id=application_id, withdrawal=withdrawal, caller=caller, access=access
    )


@agency_router.get(
    "/applications", response_model=list[AgencyApplicationView], responses=refusals({403: AGENCY_MISMATCH})
)
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


@agency_router.get(
    "/applications/{application_id}", response_model=AgencyApplicationView, responses=AGENCY_APPLICATION
)
async def agency_application(
    agency: Agency, application_id: str, caller: AgencyReader, office: Office, access: CurrentAccess
) -> AgencyApplicationView:
    agency_side.require_own_agency(caller, agency)
    return await agency_side.shared_application(
        office=office, agency=agency, application_id=application_id, access=access
    )


@agency_router.post(
    "/applications/{application_id}/decision",
    response_model=AgencyApplicationView,
    responses=refusals(
        {
            403: AGENCY_MISMATCH,
            404: "`application_not_found` (or not this agency's)",
            409: f"`application_transition_refused`: decided or withdrawn already; or {CHANGED}",
            422: "`decision_invalid`: the decision lacks what its kind needs",
        }
    ),
)
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


@agency_router.put("/webhook", response_model=WebhookView, responses=refusals({403: AGENCY_MISMATCH}))
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


@operator_router.post(
    "/{delivery_id}/replay",
    response_model=DeliveryView,
    responses=refusals(
        {
            404: "`delivery_not_found`",
            409: "`delivery_not_dead_lettered`: only a dead-lettered delivery is replayed; or "
            "`delivery_changed_concurrently`: retry",
        }
    ),
)
async def replay(delivery_id: str, _caller: Operator, office: Office, access: CurrentAccess) -> DeliveryView:
    return await webhooks.replay_delivery(office=office, delivery_id=delivery_id, access=access)
