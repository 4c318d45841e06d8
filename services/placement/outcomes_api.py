"""Placement routes for outcomes: hires and job endings, businesses, and follow-up tasks (the journey's).

Staff read with `placement:read` and record with `placement:write`, each only on the workers' cases they
reach; the Temporal worker (a `service` client, which holds both) creates and cancels follow-up tasks.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from services.common.error_responses import refusals
from services.common.http import current_correlation_id
from services.placement import access, businesses, follow_ups, hires
from services.placement.access import Reader, Writer
from services.placement.api import CHANGED, EMPLOYER_READS, OUT_OF_REACH, REACH, Id, PlacementDep
from services.placement.models import Business, Hire
from services.placement.schemas import (
    BusinessClosure,
    BusinessIn,
    BusinessOut,
    BusinessStart,
    DirectHire,
    FollowUpCancellation,
    FollowUpOutcome,
    FollowUpTaskIn,
    FollowUpTaskOut,
    FollowUpTaskQuery,
    HireOut,
    JobEnding,
    JobForWorker,
    SupportLinkIn,
    SupportLinkOut,
)

router = APIRouter()
HIRE = REACH | refusals({404: "`hire_not_found`"})
BUSINESS = REACH | refusals({404: "`business_not_found`"})
TASK = REACH | refusals({404: "`follow_up_task_not_found`"})

TaskKey = Annotated[str, Path(pattern=r"^[A-Za-z0-9._:-]{1,200}$", description="Chosen by the caller")]


@router.post(
    "/hires",
    status_code=201,
    response_model=HireOut,
    tags=["hires"],
    responses=REACH
    | refusals(
        {
            404: "`worker_not_found`, `employer_not_found` or `vacancy_not_found` (of that employer)",
            409: "`case_closed`, `employer_not_verified` or `vacancy_not_open`",
            422: "`validation_failed`: also when no employment form is given or known from the vacancy",
        }
    ),
)
async def hire_directly(hire: DirectHire, placement: PlacementDep, caller: Writer) -> Any:
    """A hire not made through a referral (optionally for one of the employer's vacancies)."""
    await access.require_case_reach(placement, caller, hire.case_id)
    return await hires.hire_directly(placement=placement, hire=hire, correlation_id=current_correlation_id())


@router.get("/hires", response_model=list[HireOut], tags=["hires"], responses=EMPLOYER_READS)
async def list_hires(
    placement: PlacementDep,
    caller: access.StaffOrEmployer,
    case_id: Annotated[str | None, Query(max_length=36)] = None,
    employer_id: Annotated[str | None, Query(max_length=36)] = None,
) -> Any:
    """Hires by case and employer: an employer client's own, staff's of the workers' cases they reach."""
    own = access.employer_scope(caller)
    if own is not None:
        access.require_own_employer(caller, employer_id or own)
        employer_id = own
    return await hires.list_hires(
        placement=placement,
        case_id=case_id,
        employer_id=employer_id,
        within=None if own is not None else access.reachable_cases(caller),
    )


@router.get("/hires/{hire_id}", response_model=HireOut, tags=["hires"], responses=HIRE)
async def get_hire(hire_id: Id, placement: PlacementDep, caller: Reader) -> Any:
    await access.require_record_reach(placement, caller, Hire, hire_id)
    return await hires.get_hire(placement=placement, hire_id=hire_id)


@router.post(
    "/hires/{hire_id}/ending",
    response_model=HireOut,
    tags=["hires"],
    responses=HIRE
    | refusals(
        {
            409: f"`hire_transition_refused`: the job ended already; or {CHANGED}",
            422: "`validation_failed`: also when the job would end before it started",
        }
    ),
)
async def end_job(hire_id: Id, ending: JobEnding, placement: PlacementDep, caller: Writer) -> Any:
    """The job ended (with its reason); the hire stays on record."""
    await access.require_record_reach(placement, caller, Hire, hire_id)
    return await hires.end_job(
        placement=placement, hire_id=hire_id, ending=ending, correlation_id=current_correlation_id()
    )


@router.post(
    "/businesses",
    status_code=201,
    response_model=BusinessOut,
    tags=["businesses"],
    responses=REACH | refusals({404: "`worker_not_found`", 409: "`case_closed`"}),
)
async def plan_business(business: BusinessIn, placement: PlacementDep, caller: Writer) -> Any:
    """A worker's business plan (entrepreneurship track)."""
    await access.require_case_reach(placement, caller, business.case_id)
    record = await businesses.plan_business(
        placement=placement, business=business, correlation_id=current_correlation_id()
    )
    return await businesses.describe(placement=placement, business_id=record.business_id)


@router.get("/businesses/{business_id}", response_model=BusinessOut, tags=["businesses"], responses=BUSINESS)
async def get_business(business_id: Id, placement: PlacementDep, caller: Reader) -> Any:
    """The business with its policy-support applications and the jobs it created."""
    await access.require_record_reach(placement, caller, Business, business_id)
    return await businesses.describe(placement=placement, business_id=business_id)


@router.post(
    "/businesses/{business_id}/start",
    response_model=BusinessOut,
    tags=["businesses"],
    responses=BUSINESS
    | refusals({409: f"`business_transition_refused`, or `licence_already_registered`; or {CHANGED}"}),
)
async def start_business(
    business_id: Id, start: BusinessStart, placement: PlacementDep, caller: Writer
) -> Any:
    """The business started (kind, address, registration reference); it can now hire as an employer."""
    await access.require_record_reach(placement, caller, Business, business_id)
    await businesses.start_business(
        placement=placement, business_id=business_id, start=start, correlation_id=current_correlation_id()
    )
    return await businesses.describe(placement=placement, business_id=business_id)


@router.post(
    "/businesses/{business_id}/support",
    response_model=SupportLinkOut,
    tags=["businesses"],
    responses=BUSINESS | refusals({409: "`business_closed`, or `support_link_conflict`"}),
)
async def link_support(business_id: Id, link: SupportLinkIn, placement: PlacementDep, caller: Writer) -> Any:
    """Link a policy-support application (tax relief, micro-loan, fee waiver...); repeating it is harmless."""
    await access.require_record_reach(placement, caller, Business, business_id)
    return await businesses.link_support(
        placement=placement, business_id=business_id, link=link, correlation_id=current_correlation_id()
    )


@router.post(
    "/businesses/{business_id}/jobs",
    status_code=201,
    response_model=HireOut,
    tags=["businesses"],
    responses=refusals(
        {
            403: OUT_OF_REACH,
            404: "`business_not_found`, or `worker_not_found`",
            409: "`business_not_started`, or `case_closed`",
            422: "`validation_failed`: also for the founder themselves, or with no employment form given",
        }
    ),
)
async def create_job(business_id: Id, job: JobForWorker, placement: PlacementDep, caller: Writer) -> Any:
    """A job the business gives another laid-off worker: a hire on that worker's case (which the caller
    must reach too)."""
    await access.require_record_reach(placement, caller, Business, business_id)
    await access.require_case_reach(placement, caller, job.case_id)
    return await businesses.create_job(
        placement=placement, business_id=business_id, job=job, correlation_id=current_correlation_id()
    )


@router.post(
    "/businesses/{business_id}/closure",
    response_model=BusinessOut,
    tags=["businesses"],
    responses=BUSINESS
    | refusals(
        {
            409: f"`business_transition_refused`: closed already; or {CHANGED}",
            422: "`validation_failed`: also when it would close before it started",
        }
    ),
)
async def close_business(
    business_id: Id, closure: BusinessClosure, placement: PlacementDep, caller: Writer
) -> Any:
    await access.require_record_reach(placement, caller, Business, business_id)
    await businesses.close_business(
        placement=placement, business_id=business_id, closure=closure, correlation_id=current_correlation_id()
    )
    return await businesses.describe(placement=placement, business_id=business_id)


@router.put(
    "/follow-up-tasks/{task_key}",
    status_code=201,
    response_model=FollowUpTaskOut,
    tags=["follow-up tasks"],
    responses={
        200: {"model": FollowUpTaskOut, "description": "The task under this key, asked for the same way"},
        **REACH,
        **refusals(
            {
                409: "`follow_up_task_conflict`: the key holds other content",
                422: "`follow_up_subject_not_found`: no such hire or business on the case",
            }
        ),
    },
)
async def put_follow_up_task(
    task_key: TaskKey, request: FollowUpTaskIn, placement: PlacementDep, response: Response, caller: Writer
) -> Any:
    """Create a follow-up task under the caller's key (the journey's, with a `service` token): 201 the first
    time, 200 with the same task when asked again with the same content, 409 `follow_up_task_conflict` when
    the key holds other content."""
    await access.require_case_reach(placement, caller, request.case_id)
    task, created = await follow_ups.put_task(
        placement=placement, task_key=task_key, request=request, correlation_id=current_correlation_id()
    )
    response.status_code = 201 if created else 200
    return task


@router.get(
    "/follow-up-tasks/{task_key}", response_model=FollowUpTaskOut, tags=["follow-up tasks"], responses=TASK
)
async def get_follow_up_task(task_key: TaskKey, placement: PlacementDep, caller: Reader) -> Any:
    await access.require_task_reach(placement, caller, task_key)
    return await follow_ups.get_task(placement=placement, task_key=task_key)


@router.get("/follow-up-tasks", response_model=list[FollowUpTaskOut], tags=["follow-up tasks"])
async def list_follow_up_tasks(
    query: Annotated[FollowUpTaskQuery, Query()], placement: PlacementDep, caller: Reader
) -> Any:
    """Tasks by case, assistant and status, due on or before `due_before`, soonest first; of the workers'
    cases the caller reaches."""
    return await follow_ups.list_tasks(
        placement=placement, query=query, within=access.reachable_cases(caller)
    )


@router.post(
    "/follow-up-tasks/{task_key}/completion",
    response_model=FollowUpTaskOut,
    tags=["follow-up tasks"],
    responses=TASK | refusals({409: f"`follow_up_task_transition_refused`: completed once; or {CHANGED}"}),
)
async def complete_follow_up_task(
    task_key: TaskKey, outcome: FollowUpOutcome, placement: PlacementDep, caller: Writer
) -> Any:
    """Record the follow-up's outcome: still working, contract, social insurance, earnings, satisfaction,
    problems raised. A task is completed once."""
    await access.require_task_reach(placement, caller, task_key)
    return await follow_ups.complete(
        placement=placement, task_key=task_key, outcome=outcome, correlation_id=current_correlation_id()
    )


@router.post(
    "/follow-up-tasks/{task_key}/cancellation",
    response_model=FollowUpTaskOut,
    tags=["follow-up tasks"],
    responses=TASK
    | refusals({409: f"`follow_up_task_transition_refused`: the task was completed; or {CHANGED}"}),
)
async def cancel_follow_up_task(
    task_key: TaskKey, cancellation: FollowUpCancellation, placement: PlacementDep, caller: Writer
) -> Any:
    """For the journey (a `service` token): the work this task followed ended, or the worker left.
    Cancelling twice is harmless; a completed task stays completed (409)."""
    await access.require_task_reach(placement, caller, task_key)
    return await follow_ups.cancel(
        placement=placement,
        task_key=task_key,
        cancellation=cancellation,
        correlation_id=current_correlation_id(),
    )
