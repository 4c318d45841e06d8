"""Placement routes for communities, employers, vacancies, matching, referrals and job fairs.

Every route needs a token (`services.placement.access`). Routes an employer calls itself carry its id in
the path (`/employers/{employer_id}/vacancies`, `…/referrals/{referral_id}/answer`, `…/hire`) and need an
employer client's token with `vacancies:manage` naming that employer; a record of another employer is
answered as not found. An employer also reads its own employer record, vacancies and referrals. Staff read
with `placement:read` and record with `placement:write`, a labour assistant only on the cases of their
community; supervisors verify, suspend and reinstate employers (`placement:manage`) and keep the
communities (`network:manage`).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from contracts.occupations import EmploymentForm, OccupationArea
from services.common import scopes
from services.common.auth import acting_assistant, require
from services.common.error_responses import refusals
from services.common.errors import DomainError
from services.common.http import current_correlation_id
from services.placement import access, employers, job_fairs, matching, referrals, workers
from services.placement.access import OwnEmployerId, Reader, StaffOrEmployer, Writer
from services.placement.collaborators import Placement
from services.placement.domain import EmployerAction, VacancyStatus
from services.placement.hires import hire_referred_worker
from services.placement.models import Referral
from services.placement.schemas import (
    AttendanceIn,
    CommunityIn,
    CommunityOut,
    EmployerIn,
    EmployerOut,
    HireOut,
    HireTerms,
    JobFairIn,
    JobFairOut,
    ReferralAnswer,
    ReferralIn,
    ReferralOut,
    VacancyClosure,
    VacancyIn,
    VacancyMatch,
    VacancyOut,
    WorkerMatch,
    WorkerOut,
)

router = APIRouter()
READ = [Depends(require(scopes.PLACEMENT_READ))]
WRITE = [Depends(require(scopes.PLACEMENT_WRITE))]

Id = Annotated[str, Path(min_length=1, max_length=36)]
Code = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{2,32}$")]
Limit = Annotated[int, Query(ge=1, le=100)]
OUT_OF_REACH = "`case_out_of_reach`: the worker's case is not in the caller's reach"
NOT_THIS_EMPLOYER = "`employer_mismatch`: the token acts for another employer"
STAFF_OR_EMPLOYER = (
    "`insufficient_scope`: neither `placement:read` nor an employer's `vacancies:manage`; or "
    f"{NOT_THIS_EMPLOYER}"
)
CHANGED = "`concurrent_change`: the record changed meanwhile; read it again and retry"
REACH = refusals({403: OUT_OF_REACH})
EMPLOYER_READS = refusals({403: STAFF_OR_EMPLOYER})
EMPLOYER = refusals({403: NOT_THIS_EMPLOYER})
EMPLOYER_NOT_FOUND = refusals({404: "`employer_not_found`"})
WORKER_NOT_FOUND = refusals({404: "`worker_not_found`: placement has not heard of the case"})


async def _placement(request: Request) -> Placement:
    placement: Placement = request.app.state.placement
    return placement


PlacementDep = Annotated[Placement, Depends(_placement)]


@router.put(
    "/communities/{community_code}",
    response_model=CommunityOut,
    tags=["communities"],
    dependencies=[Depends(require(scopes.NETWORK_MANAGE))],
)
async def put_community(community_code: Code, community: CommunityIn, placement: PlacementDep) -> Any:
    """Create or replace a community: its street and (optionally) coordinates, for distance in matching."""
    return await employers.put_community(
        placement=placement, community_code=community_code, community=community
    )


@router.get("/communities", response_model=list[CommunityOut], tags=["communities"], dependencies=READ)
async def list_communities(placement: PlacementDep) -> Any:
    return await employers.list_communities(placement=placement)


@router.post(
    "/employers",
    status_code=201,
    response_model=EmployerOut,
    tags=["employers"],
    responses=refusals({409: "`employer_already_registered`: `details` names it"}),
    dependencies=WRITE,
)
async def register_employer(employer: EmployerIn, placement: PlacementDep) -> Any:
    """Register an employer; it posts vacancies once staff verified it."""
    return await employers.register_employer(
        placement=placement, employer=employer, correlation_id=current_correlation_id()
    )


@router.get(
    "/employers/{employer_id}",
    response_model=EmployerOut,
    tags=["employers"],
    responses=EMPLOYER_NOT_FOUND | refusals({403: STAFF_OR_EMPLOYER}),
)
async def get_employer(employer_id: Id, placement: PlacementDep, caller: StaffOrEmployer) -> Any:
    """The employer; an employer client reads only its own."""
    if access.employer_scope(caller) is not None:
        access.require_own_employer(caller, employer_id)
    return await employers.get_employer(placement=placement, employer_id=employer_id)


def _employer_change(path: str, action: EmployerAction, summary: str) -> None:
    async def change(employer_id: Id, placement: PlacementDep) -> Any:
        return await employers.change_employer(
            placement=placement,
            employer_id=employer_id,
            action=action,
            correlation_id=current_correlation_id(),
        )

    change.__name__ = f"{action.value}_employer"
    router.post(
        f"/employers/{{employer_id}}/{path}",
        response_model=EmployerOut,
        tags=["employers"],
        responses=EMPLOYER_NOT_FOUND
        | refusals({409: f"`employer_transition_refused`: not from the employer's status; or {CHANGED}"}),
        summary=summary,
        dependencies=[Depends(require(scopes.PLACEMENT_MANAGE))],
    )(change)


_employer_change("verification", EmployerAction.VERIFY, "Verify a registered employer")
_employer_change("suspension", EmployerAction.SUSPEND, "Suspend a verified employer")
_employer_change("reinstatement", EmployerAction.REINSTATE, "Reinstate a suspended employer")


@router.post(
    "/employers/{employer_id}/vacancies",
    status_code=201,
    response_model=VacancyOut,
    tags=["vacancies"],
    responses=EMPLOYER
    | refusals(
        {
            404: "`employer_not_found`, or `job_fair_not_found`",
            409: "`employer_not_verified`",
            422: "`discriminatory_requirement`: a filter on age, sex, ethnicity, marital status, household "
            "registration or health; or `validation_failed`",
        }
    ),
)
async def post_vacancy(employer_id: OwnEmployerId, vacancy: VacancyIn, placement: PlacementDep) -> Any:
    """Post a vacancy (any employment form). Filters on age, sex, ethnicity, marital status, household
    registration or health status are refused with 422 `discriminatory_requirement`."""
    return await employers.post_vacancy(
        placement=placement, employer_id=employer_id, vacancy=vacancy, correlation_id=current_correlation_id()
    )


@router.post(
    "/employers/{employer_id}/vacancies/{vacancy_id}/closure",
    response_model=VacancyOut,
    tags=["vacancies"],
    responses=EMPLOYER
    | refusals(
        {
            404: "`vacancy_not_found` (or not this employer's)",
            409: f"`vacancy_transition_refused`: the vacancy is closed already; or {CHANGED}",
        }
    ),
)
async def close_vacancy(
    employer_id: OwnEmployerId, vacancy_id: Id, closure: VacancyClosure, placement: PlacementDep
) -> Any:
    return await employers.close_vacancy(
        placement=placement,
        employer_id=employer_id,
        vacancy_id=vacancy_id,
        closure=closure,
        correlation_id=current_correlation_id(),
    )


@router.get(
    "/vacancies",
    response_model=list[VacancyOut],
    tags=["vacancies"],
    responses=EMPLOYER_READS,
)
async def list_vacancies(
    placement: PlacementDep,
    caller: StaffOrEmployer,
    employer_id: Annotated[str | None, Query(max_length=36)] = None,
    status: VacancyStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    """Vacancies by employer and status; an employer client lists only its own."""
    own = access.employer_scope(caller)
    if own is not None:
        access.require_own_employer(caller, employer_id or own)
        employer_id = own
    return await employers.list_vacancies(
        placement=placement, employer_id=employer_id, status=status, limit=limit
    )


@router.get(
    "/vacancies/{vacancy_id}",
    response_model=VacancyOut,
    tags=["vacancies"],
    responses=refusals({403: STAFF_OR_EMPLOYER, 404: "`vacancy_not_found` (or not this employer's)"}),
)
async def get_vacancy(vacancy_id: Id, placement: PlacementDep, caller: StaffOrEmployer) -> Any:
    """The vacancy; another employer's is not found for an employer client."""
    vacancy = await employers.get_vacancy(placement=placement, vacancy_id=vacancy_id)
    own = access.employer_scope(caller)
    if own is not None and vacancy.employer_id != own:
        raise DomainError(404, "vacancy_not_found", f"No vacancy {vacancy_id} of employer {own}")
    return vacancy


@router.get(
    "/vacancies/{vacancy_id}/matches",
    response_model=list[WorkerMatch],
    tags=["matching"],
    responses=refusals({404: "`vacancy_not_found`"}),
)
async def workers_for_vacancy(
    vacancy_id: Id, placement: PlacementDep, caller: Reader, limit: Limit = 20
) -> Any:
    """The best workers for a vacancy, each with the points per factor and why: of the workers the caller
    reaches (a labour assistant, their community's)."""
    return await matching.workers_for_vacancy(
        placement=placement, vacancy_id=vacancy_id, limit=limit, within=access.reachable_cases(caller)
    )


@router.get(
    "/workers/{case_id}", response_model=WorkerOut, tags=["matching"], responses=REACH | WORKER_NOT_FOUND
)
async def get_worker(case_id: Id, placement: PlacementDep, caller: Reader) -> Any:
    """What placement knows of a worker, from intake's and training's events."""
    await access.require_case_reach(placement, caller, case_id)
    return await workers.get_worker(placement=placement, case_id=case_id)


@router.get(
    "/workers/{case_id}/matches",
    response_model=list[VacancyMatch],
    tags=["matching"],
    responses=REACH | WORKER_NOT_FOUND,
)
async def vacancies_for_worker(
    case_id: Id,
    placement: PlacementDep,
    caller: Reader,
    limit: Limit = 20,
    occupation_area: OccupationArea | None = None,
    employment_form: EmploymentForm | None = None,
) -> Any:
    """The best open vacancies for a worker, each with the points per factor and why."""
    await access.require_case_reach(placement, caller, case_id)
    return await matching.vacancies_for_worker(
        placement=placement,
        case_id=case_id,
        limit=limit,
        occupation_area=occupation_area,
        employment_form=employment_form,
    )


@router.post(
    "/referrals",
    status_code=201,
    response_model=ReferralOut,
    tags=["referrals"],
    responses=refusals(
        {
            403: f"{OUT_OF_REACH}; or `assistant_mismatch`: a labour assistant refers as themselves",
            404: "`worker_not_found`, `vacancy_not_found` or `job_fair_not_found`",
            409: "`case_closed`, `vacancy_not_open`, or `already_referred`: `details` names the referral",
        }
    ),
)
async def refer(referral: ReferralIn, placement: PlacementDep, caller: Writer) -> Any:
    """A labour assistant refers a worker to an open vacancy (once per worker and vacancy)."""
    await access.require_case_reach(placement, caller, referral.case_id)
    acting = referral.model_copy(update={"assistant_id": acting_assistant(caller, referral.assistant_id)})
    return await referrals.refer(
        placement=placement, referral=acting, correlation_id=current_correlation_id()
    )


@router.get(
    "/referrals",
    response_model=list[ReferralOut],
    tags=["referrals"],
    responses=EMPLOYER_READS,
)
async def list_referrals(
    placement: PlacementDep,
    caller: StaffOrEmployer,
    case_id: Annotated[str | None, Query(max_length=36)] = None,
    vacancy_id: Annotated[str | None, Query(max_length=36)] = None,
    employer_id: Annotated[str | None, Query(max_length=36)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Any:
    """Referrals by case, vacancy and employer: an employer client's made to it, staff's of the cases they
    reach."""
    own = access.employer_scope(caller)
    if own is not None:
        access.require_own_employer(caller, employer_id or own)
        employer_id = own
    return await referrals.list_referrals(
        placement=placement,
        case_id=case_id,
        vacancy_id=vacancy_id,
        employer_id=employer_id,
        limit=limit,
        within=None if own is not None else access.reachable_cases(caller),
    )


@router.get(
    "/referrals/{referral_id}",
    response_model=ReferralOut,
    tags=["referrals"],
    responses=refusals(
        {
            403: f"{STAFF_OR_EMPLOYER}; or {OUT_OF_REACH}",
            404: "`referral_not_found` (or not to this employer)",
        }
    ),
)
async def get_referral(referral_id: Id, placement: PlacementDep, caller: StaffOrEmployer) -> Any:
    """The referral: to an employer client only if made to it (else not found); to staff on a case reached."""
    own = access.employer_scope(caller)
    if own is None:
        await access.require_record_reach(placement, caller, Referral, referral_id)
    referral = await referrals.get_referral(placement=placement, referral_id=referral_id)
    if own is not None and referral.employer_id != own:
        raise DomainError(404, "referral_not_found", f"No referral {referral_id} to employer {own}")
    return referral


@router.post(
    "/employers/{employer_id}/referrals/{referral_id}/answer",
    response_model=ReferralOut,
    tags=["referrals"],
    responses=EMPLOYER
    | refusals(
        {
            404: "`employer_not_found`, or `referral_not_found` (or not to this employer)",
            409: f"`employer_not_verified`, or `referral_transition_refused`; or {CHANGED}",
        }
    ),
)
async def answer_referral(
    employer_id: OwnEmployerId, referral_id: Id, reply: ReferralAnswer, placement: PlacementDep
) -> Any:
    """The employer answers a referral made to it: interview, offer, or rejection with a reason."""
    return await referrals.answer(
        placement=placement,
        employer_id=employer_id,
        referral_id=referral_id,
        reply=reply,
        correlation_id=current_correlation_id(),
    )


@router.post(
    "/employers/{employer_id}/referrals/{referral_id}/hire",
    status_code=201,
    response_model=HireOut,
    tags=["hires"],
    responses=EMPLOYER
    | refusals(
        {
            404: "`employer_not_found`, `referral_not_found`, `worker_not_found` or `vacancy_not_found`",
            409: "`employer_not_verified`, `case_closed`, `vacancy_not_open`, or "
            f"`referral_transition_refused`; or {CHANGED}",
            422: "`validation_failed`: also when no employment form is given or known from the vacancy",
        }
    ),
)
async def hire_referred_worker_route(
    employer_id: OwnEmployerId, referral_id: Id, terms: HireTerms, placement: PlacementDep
) -> Any:
    """The employer hires the worker it made an offer to: contract, start date, wage, social insurance."""
    return await hire_referred_worker(
        placement=placement,
        employer_id=employer_id,
        referral_id=referral_id,
        terms=terms,
        correlation_id=current_correlation_id(),
    )


@router.post(
    "/job-fairs",
    status_code=201,
    response_model=JobFairOut,
    tags=["job fairs"],
    dependencies=WRITE,
)
async def schedule_job_fair(fair: JobFairIn, placement: PlacementDep) -> Any:
    record = await job_fairs.schedule(placement=placement, fair=fair, correlation_id=current_correlation_id())
    return await job_fairs.describe(placement=placement, job_fair_id=record.job_fair_id)


@router.get(
    "/job-fairs/{job_fair_id}",
    response_model=JobFairOut,
    tags=["job fairs"],
    responses=refusals({404: "`job_fair_not_found`"}),
    dependencies=READ,
)
async def get_job_fair(job_fair_id: Id, placement: PlacementDep) -> Any:
    """The fair with its employers, vacancies, the number of workers who came and of referrals made there."""
    return await job_fairs.describe(placement=placement, job_fair_id=job_fair_id)


@router.put(
    "/job-fairs/{job_fair_id}/employers/{employer_id}",
    response_model=JobFairOut,
    tags=["job fairs"],
    responses=refusals(
        {404: "`job_fair_not_found`, or `employer_not_found`", 409: f"`employer_not_verified`; or {CHANGED}"}
    ),
    dependencies=WRITE,
)
async def add_fair_employer(job_fair_id: Id, employer_id: Id, placement: PlacementDep) -> Any:
    return await job_fairs.add_employer(placement=placement, job_fair_id=job_fair_id, employer_id=employer_id)


@router.post(
    "/job-fairs/{job_fair_id}/attendance",
    status_code=201,
    response_model=JobFairOut,
    tags=["job fairs"],
    responses={
        200: {"model": JobFairOut, "description": "The worker's attendance was recorded before"},
        **REACH,
        **refusals({404: "`job_fair_not_found`, or `worker_not_found`", 409: "`case_closed`"}),
    },
)
async def record_attendance(
    job_fair_id: Id, attendance: AttendanceIn, placement: PlacementDep, response: Response, caller: Writer
) -> Any:
    """A worker came to the fair: 201 the first time, 200 after."""
    await access.require_case_reach(placement, caller, attendance.case_id)
    fair, new = await job_fairs.record_attendance(
        placement=placement,
        job_fair_id=job_fair_id,
        case_id=attendance.case_id,
        correlation_id=current_correlation_id(),
    )
    response.status_code = 201 if new else 200
    return fair
