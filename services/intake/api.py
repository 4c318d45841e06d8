"""Intake routes: parse, call one use case, answer with a response model."""

from typing import Annotated

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
from services.common.error_responses import refusals
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
OUT_OF_REACH = "`case_out_of_reach`: the case is in a community the caller does not serve"
CASE = refusals({403: OUT_OF_REACH, 404: "`case_not_found`: no such case"})
JOURNEY = refusals(
    {
        403: OUT_OF_REACH,
        404: "`case_not_found`, or `journey_not_started`",
        503: "`journey_unavailable`: the journey did not answer in time; retry",
    }
)
UNKNOWN_ASSISTANT = refusals({422: "`validation_failed`: also when no such labour assistant is known"})


async def _intake(request: Request) -> Intake:
    intake: Intake = request.app.state.intake
    return intake


IntakeDep = Annotated[Intake, Depends(_intake)]


def _registered(case: object) -> RegisteredWorker:
    return RegisteredWorker.model_validate(case, from_attributes=True)


@router.post(
    "/workers",
    status_code=201,
    response_model=RegisteredWorker,
    responses=refusals(
        {
            403: OUT_OF_REACH,
            409: "`case_already_open` (`details.case_id` names it), or `case_closed`: re-open that case",
        }
    ),
)
async def register_worker(
    registration: WorkerRegistration, intake: IntakeDep, caller: CaseWriter
) -> RegisteredWorker:
    """Register a laid-off worker: opens a case and starts their journey."""
    case = await service.register_worker(intake=intake, registration=registration, caller=caller)
    return _registered(case)


@router.get("/workers", response_model=CasePage)
async def list_workers(
    query: Annotated[CaseQuery, Query()], intake: IntakeDep, caller: CaseReader
) -> CasePage:
    """Cases by street, community, assistant, status, hardship flag, layoff reason, plan and date ranges,
    sorted, a page at a time (pass `next_cursor` back as `cursor`); only the cases the caller reaches."""
    return await search.search_cases(intake=intake, query=query, caller=caller)


@router.get("/workers/{case_id}", response_model=RegisteredWorker, responses=CASE)
async def get_worker(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> RegisteredWorker:
    """The case; the full resident ID number only for callers holding `cases:read_resident_id`."""
    return await service.read_case(intake=intake, case_id=case_id, caller=caller)


@router.post(
    "/workers/{case_id}/closure",
    response_model=RegisteredWorker,
    responses=CASE | refusals({409: "`case_transition_refused`: the case is closed already"}),
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
    responses=CASE
    | refusals(
        {409: "`case_transition_refused` (the case is open), or `case_already_open` (another one is)"}
    ),
)
async def reopen_case(
    case_id: CaseId, reopening: Reopening, intake: IntakeDep, caller: CaseWriter
) -> RegisteredWorker:
    """Re-open a closed case; everything recorded on it stays."""
    case = await lifecycle.reopen_case(intake=intake, case_id=case_id, reopening=reopening, caller=caller)
    return _registered(case)


@router.get("/workers/{case_id}/history", response_model=list[StatusChange], responses=CASE)
async def case_history(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> list[StatusChange]:
    """When the case was opened, closed and re-opened, and why."""
    return await lifecycle.status_history(intake=intake, case_id=case_id, caller=caller)


@router.get("/workers/{case_id}/journey", response_model=JourneyStatus, responses=JOURNEY)
async def get_journey(case_id: CaseId, intake: IntakeDep, caller: CaseReaderPrincipal) -> JourneyStatus:
    """The worker's journey: stage, follow-ups and their state, read from the running workflow."""
    return await service.journey_of(intake=intake, case_id=case_id, caller=caller)


@router.get(
    "/workers/{case_id}/journey/timeline",
    response_model=JourneyTimeline,
    responses=JOURNEY,
)
async def get_journey_timeline(
    case_id: CaseId, intake: IntakeDep, caller: CaseReaderPrincipal
) -> JourneyTimeline:
    """Everything that happened on the worker's journey, oldest first."""
    return await service.journey_timeline(intake=intake, case_id=case_id, caller=caller)


JOURNEY_ACTION_ERRORS = JOURNEY | refusals(
    {409: "`journey_action_refused`: the journey's rules refuse the action; `message` says why"}
)


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
    responses={
        200: {"model": JourneyEventReceipt, "description": "Kept before (a repeat)"},
        **refusals(
            {
                403: "`service_client_only`: only the platform's own services call this",
                404: "`case_not_found`: the event's subject is no case",
                422: "`not_a_journey_event`, `unknown_event_type` or `validation_failed`: not an event "
                "the journey publishes",
            }
        ),
    },
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


@network_router.post(
    "/streets", status_code=201, response_model=StreetIn, responses=refusals({409: "`street_exists`"})
)
async def add_street(street: StreetIn, intake: IntakeDep, _caller: NetworkManager) -> StreetIn:
    row = await network.add_street(intake=intake, street=street)
    return StreetIn(street_code=row.street_code, name=row.name)


@network_router.post(
    "/communities",
    status_code=201,
    response_model=CommunityIn,
    responses=refusals(
        {409: "`community_exists`", 422: "`validation_failed`: also when the street is not known"}
    ),
)
async def add_community(community: CommunityIn, intake: IntakeDep, _caller: NetworkManager) -> CommunityIn:
    row = await network.add_community(intake=intake, community=community)
    return CommunityIn(community_code=row.community_code, street_code=row.street_code, name=row.name)


@network_router.post(
    "/assistants",
    status_code=201,
    response_model=AssistantOut,
    responses=refusals({422: "`validation_failed`: also when the community is not known"}),
)
async def add_assistant(assistant: AssistantIn, intake: IntakeDep, _caller: NetworkManager) -> AssistantOut:
    row = await network.add_assistant(intake=intake, assistant=assistant)
    return AssistantOut.model_validate(row, from_attributes=True)


@network_router.get(
    "/assistants/{assistant_id}/caseload",
    response_model=Caseload,
    responses=refusals({403: OUT_OF_REACH, 404: "`assistant_not_found`"}),
)
async def get_caseload(assistant_id: AssistantId, intake: IntakeDep, caller: CaseReaderPrincipal) -> Caseload:
    """The assistant's capacity, open cases and their ids (`cases:read`, for a caller who reaches the
    cases of the assistant's community)."""
    return await network.caseload(intake=intake, assistant_id=assistant_id, caller=caller)


@network_router.put(
    "/workers/{case_id}/assistant",
    response_model=RegisteredWorker,
    responses=CASE
    | UNKNOWN_ASSISTANT
    | refusals({409: "`assistant_at_capacity`: the assistant has no room for another case"}),
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


@records_router.put(
    "/workers/{case_id}/profile",
    response_model=ProfileVersion,
    responses=CASE | refusals({409: "`profile_changed`: a newer version was recorded meanwhile"}),
)
async def record_profile(
    case_id: CaseId, update: ProfileUpdate, intake: IntakeDep, caller: CaseWriter
) -> ProfileVersion:
    """Record the skills profile (素质档案) as a new version; earlier versions stay viewable."""
    return await records.record_skills_profile(intake=intake, case_id=case_id, update=update, caller=caller)


@records_router.get(
    "/workers/{case_id}/profile",
    response_model=ProfileVersion,
    responses=refusals({403: OUT_OF_REACH, 404: "`case_not_found`, or `profile_not_recorded`"}),
)
async def get_profile(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> ProfileVersion:
    return await records.current_profile(intake=intake, case_id=case_id, caller=caller)


@records_router.get(
    "/workers/{case_id}/profile/versions", response_model=list[ProfileVersion], responses=CASE
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
    responses=CASE,
)
async def grant_consent(
    case_id: CaseId, request: ConsentRequest, intake: IntakeDep, caller: CaseWriter
) -> ConsentView:
    """The worker consents to share data with one agency, for one purpose, until a date."""
    return await records.grant_consent(intake=intake, case_id=case_id, request=request, caller=caller)


@records_router.get("/workers/{case_id}/consents", response_model=list[ConsentView], responses=CASE)
async def list_consents(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> list[ConsentView]:
    return await records.consents_of(intake=intake, case_id=case_id, caller=caller)


@records_router.post(
    "/workers/{case_id}/consents/{consent_id}/withdrawal",
    response_model=ConsentView,
    responses=refusals({403: OUT_OF_REACH, 404: "`case_not_found`, or `consent_not_found` on the case"}),
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
PLAN = refusals({403: OUT_OF_REACH, 404: "`case_not_found`, or `plan_not_proposed`"})
PLAN_MOVE = PLAN | refusals({409: "`plan_transition_refused`: not allowed in the plan's status"})


@guidance_router.post(
    "/workers/{case_id}/guidance-sessions",
    status_code=201,
    response_model=GuidanceSessionOut,
    responses=CASE | UNKNOWN_ASSISTANT,
)
async def record_guidance_session(
    case_id: CaseId, held: GuidanceSessionIn, intake: IntakeDep, caller: CaseWriter
) -> GuidanceSessionOut:
    """Record a guidance session held with the worker: kind, date, assistant, attendees, notes, next steps."""
    return await guidance.record_guidance_session(intake=intake, case_id=case_id, held=held, caller=caller)


@guidance_router.get(
    "/workers/{case_id}/guidance-sessions", response_model=list[GuidanceSessionOut], responses=CASE
)
async def list_guidance_sessions(
    case_id: CaseId, intake: IntakeDep, caller: CaseReader
) -> list[GuidanceSessionOut]:
    return await guidance.guidance_sessions_of(intake=intake, case_id=case_id, caller=caller)


@guidance_router.post(
    "/workers/{case_id}/plan",
    status_code=201,
    response_model=PlanRevisionOut,
    responses=CASE | refusals({409: "`plan_changed`: the plan was revised meanwhile"}),
)
async def propose_plan(
    case_id: CaseId, proposal: PlanProposal, intake: IntakeDep, caller: CaseWriter
) -> PlanRevisionOut:
    """Propose the individual re-employment plan, or a revision of it."""
    return await guidance.propose_plan(intake=intake, case_id=case_id, proposal=proposal, caller=caller)


@guidance_router.post(
    "/workers/{case_id}/plan/agreement", response_model=PlanRevisionOut, responses=PLAN_MOVE
)
async def agree_plan(case_id: CaseId, intake: IntakeDep, caller: CaseWriter) -> PlanRevisionOut:
    """The worker agrees to the newest revision."""
    return await guidance.agree_plan(intake=intake, case_id=case_id, caller=caller)


@guidance_router.post(
    "/workers/{case_id}/plan/approval",
    response_model=PlanRevisionOut,
    responses=PLAN_MOVE,
)
async def approve_plan(case_id: CaseId, intake: IntakeDep, caller: PlanApprover) -> PlanRevisionOut:
    """A supervisor approves the newest revision, which the worker must have agreed to; the approver is
    the token's subject."""
    return await guidance.approve_plan(intake=intake, case_id=case_id, caller=caller)


@guidance_router.get("/workers/{case_id}/plan", response_model=PlanRevisionOut, responses=PLAN)
async def get_plan(case_id: CaseId, intake: IntakeDep, caller: CaseReader) -> PlanRevisionOut:
    return await guidance.current_plan(intake=intake, case_id=case_id, caller=caller)


@guidance_router.get(
    "/workers/{case_id}/plan/revisions", response_model=list[PlanRevisionOut], responses=CASE
)
async def list_plan_revisions(
    case_id: CaseId, intake: IntakeDep, caller: CaseReader
) -> list[PlanRevisionOut]:
    return await guidance.plan_revisions(intake=intake, case_id=case_id, caller=caller)
