"""Intake routes: parse, call one use case, answer with a response model."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from contracts.envelope import Envelope
from contracts.journey import (
    CLOSE_AS_STABLE_UPDATE,
    RECORD_EXIT_UPDATE,
    RECORD_PROGRESS_UPDATE,
    ExitRequest,
    JourneyStatus,
    JourneyTimeline,
    ProgressNote,
    StableClosureRequest,
    UpdateOutcome,
)
from services.intake import (
    guidance,
    journey_events,
    lifecycle,
    network,
    records,
    search,
    service,
)
from services.intake.callers import (
    CaseReader,
    CaseReaderPrincipal,
    CaseWriter,
    CaseWriterPrincipal,
    NetworkManager,
    PlanApprover,
    PlatformService,
)
from services.intake.collaborators import Intake
from services.intake.schemas import (
    AssistantIn,
    AssistantOut,
    Caseload,
    CasePage,
    CaseQuery,
    Closure,
    CommunityIn,
    ConsentRequest,
    ConsentView,
    ErrorBody,
    GuidanceSessionIn,
    GuidanceSessionOut,
    JourneyEventReceipt,
    PlanProposal,
    PlanRevisionOut,
    ProfileUpdate,
    ProfileVersion,
    Reassignment,
    RegisteredWorker,
    Reopening,
    StatusChange,
    StreetIn,
    WorkerRegistration,
)

router = APIRouter(tags=["workers"])

CaseId = Annotated[str, Path(min_length=36, max_length=36, description="The case id")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON"},
    413: {"model": ErrorBody, "description": "Body too large"},
    422: {"model": ErrorBody, "description": "Invalid field"},
}
REGISTRATION_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {
        "model": ErrorBody,
        "description": "The person already has an open case; `details.case_id` names it",
    },
}


def _intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


IntakeDep = Annotated[Intake, Depends(_intake)]


def _registered(case: object) -> RegisteredWorker:
    return RegisteredWorker.model_validate(case, from_attributes=True)


@router.post("/workers", status_code=201, response_model=RegisteredWorker, responses=REGISTRATION_ERRORS)
async def register_worker(
    registration: WorkerRegistration, intake: IntakeDep, caller: CaseWriter
) -> RegisteredWorker:
    """Register a laid-off worker: opens a case and starts their journey."""
    case = await service.register_worker(intake=intake, registration=registration, caller=caller)
    return _registered(case)


@router.get("/workers", response_model=CasePage, responses={422: {"model": ErrorBody}})
async def list_workers(
    query: Annotated[CaseQuery, Query()], intake: IntakeDep, caller: CaseReader
) -> CasePage:
    """Cases by street, community, assistant, status, hardship flag, layoff reason, plan and date ranges,
    sorted, a page at a time (pass `next_cursor` back as `cursor`); only the cases the caller reaches."""
    return await search.search_cases(intake=intake, query=query, caller=caller)


@router.get("/workers/{case_id}", response_model=RegisteredWorker, responses={404: {"model": ErrorBody}})
async def get_worker(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> RegisteredWorker:
    """The case; the full resident ID number only for callers holding `cases:read_resident_id`."""
    return await service.read_case(intake=intake, case_id=case_id, caller=caller)


@router.post(
    "/workers/{case_id}/closure",
    response_model=RegisteredWorker,
    responses={
        **ERRORS,
        404: {"model": ErrorBody},
        409: {"model": ErrorBody, "description": "Already closed"},
    },
)
async def close_case(
    case_id: CaseId, closure: Closure, intake: IntakeDep, caller: CaseWriter
) -> RegisteredWorker:
    """Close the case (stable employment, moved away, retired, deceased, declined service, other)."""
    case = await lifecycle.close_case(intake=intake, case_id=case_id, closure=closure, caller=caller)
    return _registered(case)


@router.post(
    "/workers/{case_id}/reopening",
    response_model=RegisteredWorker,
    responses={**ERRORS, 404: {"model": ErrorBody}, 409: {"model": ErrorBody, "description": "Not closed"}},
)
async def reopen_case(
    case_id: CaseId, reopening: Reopening, intake: IntakeDep, caller: CaseWriter
) -> RegisteredWorker:
    """Re-open a closed case; everything recorded on it stays."""
    case = await lifecycle.reopen_case(intake=intake, case_id=case_id, reopening=reopening, caller=caller)
    return _registered(case)


@router.get(
    "/workers/{case_id}/history", response_model=list[StatusChange], responses={404: {"model": ErrorBody}}
)
async def case_history(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> list[StatusChange]:
    """When the case was opened, closed and re-opened, and why."""
    return await lifecycle.status_history(intake=intake, case_id=case_id, caller=caller)


@router.get("/workers/{case_id}/journey", response_model=JourneyStatus, responses={404: {"model": ErrorBody}})
async def get_journey(case_id: CaseId, intake: IntakeDep, caller: CaseReaderPrincipal) -> JourneyStatus:
    """The worker's journey: stage, follow-ups and their state, read from the running workflow."""
    return await service.journey_of(intake=intake, case_id=case_id, caller=caller)


@router.get(
    "/workers/{case_id}/journey/timeline",
    response_model=JourneyTimeline,
    responses={404: {"model": ErrorBody}},
)
async def get_journey_timeline(
    case_id: CaseId, intake: IntakeDep, caller: CaseReaderPrincipal
) -> JourneyTimeline:
    """Everything that happened on the worker's journey, oldest first."""
    return await service.journey_timeline(intake=intake, case_id=case_id, caller=caller)


JOURNEY_ACTION_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": ErrorBody, "description": "No such case, or its journey has not started"},
    409: {"model": ErrorBody, "description": "The journey's rules refuse the action; `message` says why"},
}


@router.post("/workers/{case_id}/journey/exit", response_model=UpdateOutcome, responses=JOURNEY_ACTION_ERRORS)
async def record_exit(
    case_id: CaseId, request: ExitRequest, intake: IntakeDep, caller: CaseWriterPrincipal
) -> UpdateOutcome:
    """The worker leaves the programme (moved away, retired, deceased, declined service); the case closes."""
    return await service.act_on_journey(
        intake=intake, case_id=case_id, update=RECORD_EXIT_UPDATE, request=request, caller=caller
    )


@router.post(
    "/workers/{case_id}/journey/stable-closure", response_model=UpdateOutcome, responses=JOURNEY_ACTION_ERRORS
)
async def close_as_stable(
    case_id: CaseId, request: StableClosureRequest, intake: IntakeDep, caller: CaseWriterPrincipal
) -> UpdateOutcome:
    """Close as stable employment; refused (409) before the locality's stable-employment rule holds."""
    return await service.act_on_journey(
        intake=intake, case_id=case_id, update=CLOSE_AS_STABLE_UPDATE, request=request, caller=caller
    )


@router.post(
    "/workers/{case_id}/journey/progress", response_model=UpdateOutcome, responses=JOURNEY_ACTION_ERRORS
)
async def record_progress(
    case_id: CaseId, request: ProgressNote, intake: IntakeDep, caller: CaseWriterPrincipal
) -> UpdateOutcome:
    """Progress in job search (a contact, an interview): restarts the no-progress review timer."""
    return await service.act_on_journey(
        intake=intake, case_id=case_id, update=RECORD_PROGRESS_UPDATE, request=request, caller=caller
    )


@router.post(
    "/journey-events",
    status_code=201,
    response_model=JourneyEventReceipt,
    responses={**ERRORS, 200: {"model": JourneyEventReceipt, "description": "Kept before (a repeat)"}},
    tags=["journey"],
)
async def keep_journey_event(
    envelope: Envelope, intake: IntakeDep, caller: PlatformService, response: Response
) -> JourneyEventReceipt:
    """For the journey workflow (a `service` client only): an event it publishes, kept in intake's outbox
    (once per event id)."""
    kept = await journey_events.record_journey_event(intake=intake, envelope=envelope, caller=caller)
    if not kept:
        response.status_code = 200
    return JourneyEventReceipt(event_id=envelope.id, kept=kept)


network_router = APIRouter(tags=["caseworker network"])
AssistantId = Annotated[str, Path(min_length=36, max_length=36, description="The labour assistant's id")]


@network_router.post("/streets", status_code=201, response_model=StreetIn, responses=ERRORS)
async def add_street(street: StreetIn, intake: IntakeDep, _caller: NetworkManager) -> StreetIn:
    row = await network.add_street(intake=intake, street=street)
    return StreetIn(street_code=row.street_code, name=row.name)


@network_router.post("/communities", status_code=201, response_model=CommunityIn, responses=ERRORS)
async def add_community(community: CommunityIn, intake: IntakeDep, _caller: NetworkManager) -> CommunityIn:
    row = await network.add_community(intake=intake, community=community)
    return CommunityIn(community_code=row.community_code, street_code=row.street_code, name=row.name)


@network_router.post("/assistants", status_code=201, response_model=AssistantOut, responses=ERRORS)
async def add_assistant(assistant: AssistantIn, intake: IntakeDep, _caller: NetworkManager) -> AssistantOut:
    row = await network.add_assistant(intake=intake, assistant=assistant)
    return AssistantOut.model_validate(row, from_attributes=True)


@network_router.get(
    "/assistants/{assistant_id}/caseload", response_model=Caseload, responses={404: {"model": ErrorBody}}
)
async def get_caseload(assistant_id: AssistantId, intake: IntakeDep, caller: CaseReaderPrincipal) -> Caseload:
    """The assistant's capacity, open cases and their ids (`cases:read`, for a caller who reaches the
    cases of the assistant's community)."""
    return await network.caseload(intake=intake, assistant_id=assistant_id, caller=caller)


@network_router.put(
    "/workers/{case_id}/assistant",
    response_model=RegisteredWorker,
    responses={**ERRORS, 404: {"model": ErrorBody}, 409: {"model": ErrorBody, "description": "No room"}},
)
async def reassign(
    case_id: CaseId, reassignment: Reassignment, intake: IntakeDep, caller: NetworkManager
) -> RegisteredWorker:
    """A supervisor gives the case to another labour assistant of any community."""
    case = await network.reassign(
        intake=intake, case_id=case_id, assistant_id=reassignment.assistant_id, caller=caller
    )
    return _registered(case)


records_router = APIRouter(tags=["skills profile and consent"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}}


@records_router.put(
    "/workers/{case_id}/profile",
    response_model=ProfileVersion,
    responses={**ERRORS, **NOT_FOUND, 409: {"model": ErrorBody, "description": "Changed meanwhile"}},
)
async def record_profile(
    case_id: CaseId, update: ProfileUpdate, intake: IntakeDep, caller: CaseWriter
) -> ProfileVersion:
    """Record the skills profile (素质档案) as a new version; earlier versions stay viewable."""
    return await records.record_skills_profile(intake=intake, case_id=case_id, update=update, caller=caller)


@records_router.get("/workers/{case_id}/profile", response_model=ProfileVersion, responses=NOT_FOUND)
async def get_profile(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> ProfileVersion:
    return await records.current_profile(intake=intake, case_id=case_id, caller=caller)


@records_router.get(
    "/workers/{case_id}/profile/versions", response_model=list[ProfileVersion], responses=NOT_FOUND
)
async def get_profile_versions(
    case_id: CaseId, intake: IntakeDep, caller: CaseReader
) -> list[ProfileVersion]:
    """Every version of the profile, oldest first."""
    return await records.profile_versions(intake=intake, case_id=case_id, caller=caller)


@records_router.post(
    "/workers/{case_id}/consents",
    status_code=201,
    response_model=ConsentView,
    responses={**ERRORS, **NOT_FOUND},
)
async def grant_consent(
    case_id: CaseId, request: ConsentRequest, intake: IntakeDep, caller: CaseWriter
) -> ConsentView:
    """The worker consents to share data with one agency, for one purpose, until a date."""
    return await records.grant_consent(intake=intake, case_id=case_id, request=request, caller=caller)


@records_router.get("/workers/{case_id}/consents", response_model=list[ConsentView], responses=NOT_FOUND)
async def list_consents(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> list[ConsentView]:
    return await records.consents_of(intake=intake, case_id=case_id, caller=caller)


@records_router.post(
    "/workers/{case_id}/consents/{consent_id}/withdrawal", response_model=ConsentView, responses=NOT_FOUND
)
async def withdraw_consent(
    case_id: CaseId,
    consent_id: Annotated[str, Path(min_length=36, max_length=36)],
    intake: IntakeDep,
    caller: CaseWriter,
) -> ConsentView:
    """Withdraw a consent now; an event tells every downstream feed to stop."""
    return await records.withdraw_consent(
        intake=intake, case_id=case_id, consent_id=consent_id, caller=caller
    )


guidance_router = APIRouter(tags=["guidance and plan"])
TRANSITION: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorBody, "description": "Not allowed in this status"}
}


@guidance_router.post(
    "/workers/{case_id}/guidance-sessions",
    status_code=201,
    response_model=GuidanceSessionOut,
    responses={**ERRORS, **NOT_FOUND},
)
async def record_guidance_session(
    case_id: CaseId, held: GuidanceSessionIn, intake: IntakeDep, caller: CaseWriter
) -> GuidanceSessionOut:
    """Record a guidance session held with the worker: kind, date, assistant, attendees, notes, next steps."""
    return await guidance.record_guidance_session(intake=intake, case_id=case_id, held=held, caller=caller)


@guidance_router.get(
    "/workers/{case_id}/guidance-sessions", response_model=list[GuidanceSessionOut], responses=NOT_FOUND
)
async def list_guidance_sessions(
    case_id: CaseId, intake: IntakeDep, caller: CaseReader
) -> list[GuidanceSessionOut]:
    return await guidance.guidance_sessions_of(intake=intake, case_id=case_id, caller=caller)


@guidance_router.post(
    "/workers/{case_id}/plan",
    status_code=201,
    response_model=PlanRevisionOut,
    responses={**ERRORS, **NOT_FOUND},
)
async def propose_plan(
    case_id: CaseId, proposal: PlanProposal, intake: IntakeDep, caller: CaseWriter
) -> PlanRevisionOut:
    """Propose the individual re-employment plan, or a revision of it."""
    return await guidance.propose_plan(intake=intake, case_id=case_id, proposal=proposal, caller=caller)


@guidance_router.post(
    "/workers/{case_id}/plan/agreement", response_model=PlanRevisionOut, responses={**NOT_FOUND, **TRANSITION}
)
async def agree_plan(case_id: CaseId, intake: IntakeDep, caller: CaseWriter) -> PlanRevisionOut:
    """The worker agrees to the newest revision."""
    return await guidance.agree_plan(intake=intake, case_id=case_id, caller=caller)


@guidance_router.post(
    "/workers/{case_id}/plan/approval",
    response_model=PlanRevisionOut,
    responses={**ERRORS, **NOT_FOUND, **TRANSITION},
)
async def approve_plan(case_id: CaseId, intake: IntakeDep, caller: PlanApprover) -> PlanRevisionOut:
    """A supervisor approves the newest revision, which the worker must have agreed to; the approver is
    the token's subject."""
    return await guidance.approve_plan(intake=intake, case_id=case_id, caller=caller)


@guidance_router.get("/workers/{case_id}/plan", response_model=PlanRevisionOut, responses=NOT_FOUND)
async def get_plan(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> PlanRevisionOut:
    return await guidance.current_plan(intake=intake, case_id=case_id, caller=caller)


@guidance_router.get(
    "/workers/{case_id}/plan/revisions", response_model=list[PlanRevisionOut], responses=NOT_FOUND
)
async def list_plan_revisions(
    case_id: CaseId, intake: IntakeDep, caller: CaseReader
) -> list[PlanRevisionOut]:
    return await guidance.plan_revisions(intake=intake, case_id=case_id, caller=caller)
