"""Complaints routes: parse, call one use case, answer with a response model.

Every route needs an access token with its scope: staff their own, the workflow a service client's,
agencies their client's (`complaints:referrals`, the path's agency in its `agency` claim). See access.py.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from contracts.complaint_workflow import (
    ComplaintAction,
    ComplaintActionRequest,
    ComplaintDeadlines,
    ComplaintProgress,
    ReferralAgency,
)
from services.common.client_rate_limit import RATE_LIMITED
from services.common.error_responses import refusals
from services.common.http import current_correlation_id
from services.complaints import actions, agency, deadlines, handling, service
from services.complaints.access import CurrentAgency, DetailsReader, Referrer, StaffReader, Writer
from services.complaints.collaborators import Station
from services.complaints.schemas import (
    Acknowledgement,
    AgencyAnswer,
    AttachmentIn,
    AttachmentOut,
    ComplaintDetails,
    ComplaintFiling,
    ComplaintPage,
    ComplaintQuery,
    ComplaintSummary,
    ExtensionIn,
    NoteIn,
    NoteOut,
    ReferralIn,
    Resolution,
    SatisfactionIn,
    Withdrawal,
)

router = APIRouter(tags=["complaints"])
agency_router = APIRouter(tags=["referred agencies"])

ComplaintId = Annotated[str, Path(min_length=36, max_length=36, description="The complaint id")]
ActionKey = Annotated[str, Path(pattern=r"^[a-z0-9-]{1,100}$", description="Chosen by the workflow")]
REFUSED = "`complaint_access_refused`: the caller's role may not do this"
CHANGED = "`complaint_changed_concurrently`: read it again and retry"
COMPLAINT = refusals({403: REFUSED, 404: "`complaint_not_found`"})
TRANSITION = COMPLAINT | refusals(
    {409: f"`complaint_transition_refused`: not allowed from the complaint's status; or {CHANGED}"}
)
CHANGE = COMPLAINT | refusals({409: CHANGED})
WORKFLOW = refusals(
    {
        403: REFUSED,
        404: "`complaint_workflow_not_found`: no workflow runs for the complaint (yet, or any more)",
        503: "`workflows_unavailable`: Temporal cannot be reached; retry",
    }
)
AGENCY_MISMATCH = "`agency_mismatch`: the token acts for another agency"


async def _station(request: Request) -> Station:
    station: Station = request.app.state.station
    return station


StationDep = Annotated[Station, Depends(_station)]


@router.post(
    "/complaints",
    status_code=201,
    response_model=ComplaintDetails,
    responses=refusals({409: CHANGED}),
)
async def file_complaint(filing: ComplaintFiling, station: StationDep, _filer: Writer) -> ComplaintDetails:
    """File a complaint from any channel; starts its deadlines. Filing never affects matching or placement."""
    return await service.file_complaint(
        station=station, filing=filing, correlation_id=current_correlation_id()
    )


@router.get("/complaints", response_model=ComplaintPage, responses=refusals({403: REFUSED}))
async def list_complaints(
    query: Annotated[ComplaintQuery, Query()], station: StationDep, reader: StaffReader
) -> ComplaintPage:
    """Complaints for the station (rights officers and supervisors), filtered, a page at a time."""
    return await service.list_complaints(station=station, query=query, reader=reader)


@router.get(
    "/complaints/{complaint_id}",
    response_model=ComplaintDetails,
    responses=refusals(
        {
            403: "`insufficient_scope`: neither `complaints:read` nor an agency's `complaints:referrals`; or "
            + REFUSED,
            404: "`complaint_not_found`",
        }
    )
    | {429: {"description": RATE_LIMITED.description}},
)
async def get_complaint(
    complaint_id: ComplaintId, station: StationDep, reader: DetailsReader
) -> ComplaintDetails:
    """Details: rights officers, supervisors and the agency it was referred to; anyone else gets 403."""
    return await service.read_details(station=station, complaint_id=complaint_id, reader=reader)


@router.get("/complaints/{complaint_id}/progress", response_model=ComplaintProgress, responses=COMPLAINT)
async def get_progress(
    complaint_id: ComplaintId, station: StationDep, reader: StaffReader
) -> ComplaintProgress:
    """Status and dates without any detail: what the workflow reads."""
    return await service.read_progress(station=station, complaint_id=complaint_id, reader=reader)


@router.get("/complaints/{complaint_id}/deadlines", response_model=ComplaintDeadlines, responses=WORKFLOW)
async def get_deadlines(
    complaint_id: ComplaintId, station: StationDep, reader: StaffReader
) -> ComplaintDeadlines:
    """The deadline the complaint's workflow is watching now, and how far it has escalated."""
    return await deadlines.read_deadlines(
        workflows=station.workflows, complaint_id=complaint_id, reader=reader
    )


@router.post(
    "/complaints/{complaint_id}/deadline-extensions",
    response_model=ComplaintDeadlines,
    responses=WORKFLOW
    | refusals({422: "`deadline_extension_refused`: the workflow refuses it; `errors` says why"}),
)
async def extend_deadline(
    complaint_id: ComplaintId, body: ExtensionIn, station: StationDep, reader: Writer
) -> ComplaintDeadlines:
    """A supervisor gives the running deadline more working days (422 when the workflow refuses)."""
    return await deadlines.extend_deadline(
        workflows=station.workflows, complaint_id=complaint_id, extension=body, reader=reader
    )


@router.post(
    "/complaints/{complaint_id}/acknowledgement", response_model=ComplaintDetails, responses=TRANSITION
)
async def acknowledge(
    complaint_id: ComplaintId, body: Acknowledgement, station: StationDep, reader: Writer
) -> ComplaintDetails:
    """A rights officer takes the complaint (stops the acknowledgement deadline)."""
    return await handling.acknowledge(
        station=station,
        complaint_id=complaint_id,
        acknowledgement=body,
        reader=reader,
        correlation_id=current_correlation_id(),
    )


@router.post("/complaints/{complaint_id}/referral", response_model=ComplaintDetails, responses=TRANSITION)
async def refer(
    complaint_id: ComplaintId, body: ReferralIn, station: StationDep, reader: Referrer
) -> ComplaintDetails:
    """Refer to a competent agency (labour inspection, arbitration, social insurance) for its answer."""
    return await handling.refer(
        station=station,
        complaint_id=complaint_id,
        referral=body,
        reader=reader,
        correlation_id=current_correlation_id(),
    )


@router.post("/complaints/{complaint_id}/resolution", response_model=ComplaintDetails, responses=TRANSITION)
async def resolve(
    complaint_id: ComplaintId, body: Resolution, station: StationDep, reader: Writer
) -> ComplaintDetails:
    """The station resolves the complaint itself and closes it with an outcome."""
    return await handling.resolve(
        station=station,
        complaint_id=complaint_id,
        resolution=body,
        reader=reader,
        correlation_id=current_correlation_id(),
    )


@router.post("/complaints/{complaint_id}/withdrawal", response_model=ComplaintDetails, responses=TRANSITION)
async def withdraw(
    complaint_id: ComplaintId, body: Withdrawal, station: StationDep, reader: Writer
) -> ComplaintDetails:
    return await handling.withdraw(
        station=station,
        complaint_id=complaint_id,
        withdrawal=body,
        reader=reader,
        correlation_id=current_correlation_id(),
    )


@router.post("/complaints/{complaint_id}/notes", status_code=201, response_model=NoteOut, responses=CHANGE)
async def add_note(complaint_id: ComplaintId, body: NoteIn, station: StationDep, reader: Writer) -> NoteOut:
    return await handling.add_note(station=station, complaint_id=complaint_id, note=body, reader=reader)


@router.post(
    "/complaints/{complaint_id}/attachments", status_code=201, response_model=AttachmentOut, responses=CHANGE
)
async def add_attachment(
    complaint_id: ComplaintId, body: AttachmentIn, station: StationDep, reader: Writer
) -> AttachmentOut:
    """Metadata of a document kept in the document store."""
    return await handling.add_attachment(
        station=station, complaint_id=complaint_id, attachment=body, reader=reader
    )


@router.post(
    "/complaints/{complaint_id}/satisfaction",
    response_model=ComplaintDetails,
    responses=COMPLAINT
    | refusals({409: f"`complaint_not_closed`, or `satisfaction_already_recorded`; or {CHANGED}"}),
)
async def record_satisfaction(
    complaint_id: ComplaintId, body: SatisfactionIn, station: StationDep, reader: Writer
) -> ComplaintDetails:
    """The worker's answer to the satisfaction check after closing."""
    return await handling.record_satisfaction(
        station=station, complaint_id=complaint_id, satisfaction=body, reader=reader
    )


@router.put(
    "/complaints/{complaint_id}/actions/{action_key}",
    response_model=ComplaintAction,
    responses={
        201: {"model": ComplaintAction, "description": "Recorded now"},
        **COMPLAINT,
        **refusals(
            {
                409: "`complaint_action_conflict`: the key holds another action; or `complaint_not_closed` "
                f"(a satisfaction check follows closing); or {CHANGED}",
                422: "`validation_failed`: also when the action's fields do not fit its kind",
            }
        ),
    },
)
async def record_action(
    complaint_id: ComplaintId,
    action_key: ActionKey,
    body: ComplaintActionRequest,
    response: Response,
    station: StationDep,
    reader: Writer,
) -> ComplaintAction:
    """The workflow records a reminder, escalation or satisfaction check: 201 the first time, 200 when the
    key already holds the same action, 409 when it holds another."""
    recorded, created = await actions.record_action(
        station=station,
        complaint_id=complaint_id,
        action_key=action_key,
        request=body,
        reader=reader,
        correlation_id=current_correlation_id(),
    )
    response.status_code = 201 if created else 200
    return recorded


@agency_router.get(
    "/agencies/{agency_name}/referrals",
    response_model=list[ComplaintSummary],
    responses=refusals({403: AGENCY_MISMATCH}),
)
async def referrals_waiting(
    agency_name: ReferralAgency, station: StationDep, reader: CurrentAgency
) -> list[ComplaintSummary]:
    """The complaints referred to this agency that wait for its answer (the agency's own scoped view)."""
    return await agency.referrals_waiting(station=station, agency=agency_name, reader=reader)


@agency_router.post(
    "/agencies/{agency_name}/referrals/{complaint_id}/answer",
    response_model=ComplaintDetails,
    responses=refusals(
        {
            403: AGENCY_MISMATCH,
            404: "`complaint_not_found`",
            409: "`referral_not_waiting`: no answer of this agency is awaited; or "
            f"`complaint_transition_refused`; or {CHANGED}",
        }
    ),
)
async def answer_referral(
    agency_name: ReferralAgency,
    complaint_id: ComplaintId,
    body: AgencyAnswer,
    station: StationDep,
    reader: CurrentAgency,
) -> ComplaintDetails:
    """The agency's finding: upheld, partially upheld or not upheld closes the complaint; not competent
    sends it back to the station."""
    return await agency.answer_referral(
        station=station,
        agency=agency_name,
        complaint_id=complaint_id,
        answer=body,
        reader=reader,
        correlation_id=current_correlation_id(),
    )
