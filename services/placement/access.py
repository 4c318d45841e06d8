"""Who may call what: the scope each kind of work needs, an employer acting and reading only for itself, and
staff reaching only the workers' cases `Principal.reaches_case` gives them.

Placement knows a worker's community (intake's `worker_registered`) and, through its communities table,
that community's street, so both the labour assistant's and the street supervisor's limits apply here.
"""

from typing import Annotated

from fastapi import Depends, Path
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import scopes
from services.common.auth import REALM, Principal, require
from services.common.errors import DomainError
from services.common.reach import case_reach
from services.placement.collaborators import Placement
from services.placement.models import Business, Community, FollowUpTask, Hire, Referral, Worker

EmployerClient = Annotated[Principal, Depends(require(scopes.VACANCIES_MANAGE))]
Reader = Annotated[Principal, Depends(require(scopes.PLACEMENT_READ))]
"""Staff reading vacancies, workers, matches, referrals, hires, businesses, fairs and follow-ups."""
Writer = Annotated[Principal, Depends(require(scopes.PLACEMENT_WRITE))]
"""Labour assistants (and the Temporal worker) recording referrals, hires, businesses, fairs, follow-ups."""
Caller = Annotated[Principal, Depends(require())]


def require_own_employer(caller: Principal, employer_id: str) -> None:
    """An employer client acts only for the employer its token names (403 `employer_mismatch` otherwise)."""
    if caller.employer_id != employer_id:
        raise DomainError(
            403,
            "employer_mismatch",
            f"The token acts for {caller.employer_id or 'no employer'}, not {employer_id}",
            details={"employer_id": employer_id},
        )


async def own_employer(
    employer_id: Annotated[str, Path(min_length=1, max_length=36)], caller: EmployerClient
) -> str:
    """The path's employer, once the caller's token holds `vacancies:manage` for that very employer."""
    require_own_employer(caller, employer_id)
    return employer_id


OwnEmployerId = Annotated[str, Depends(own_employer)]
"""The `{employer_id}` of a route an employer calls itself: 401 without a token, 403 for another's."""


async def staff_or_employer(caller: Caller) -> Principal:
    """Staff with `placement:read`, or an employer client (`vacancies:manage` naming an employer) whose
    answers `employer_scope` then limits to its own records; anyone else 403 `insufficient_scope`."""
    if caller.has_scopes(scopes.PLACEMENT_READ) or employer_scope(caller) is not None:
        return caller
    raise DomainError(
        403,
        "insufficient_scope",
        f"The token lacks the scope {scopes.PLACEMENT_READ}",
        details={"required_scope": scopes.PLACEMENT_READ},
        headers={
            "WWW-Authenticate": (
                f'Bearer realm="{REALM}", error="insufficient_scope", scope="{scopes.PLACEMENT_READ}"'
            )
        },
    )


StaffOrEmployer = Annotated[Principal, Depends(staff_or_employer)]


def employer_scope(caller: Principal) -> str | None:
    """The employer an employer client's reads are limited to; None for staff, who read every employer's."""
    if caller.has_scopes(scopes.PLACEMENT_READ):
        return None
    if caller.has_scopes(scopes.VACANCIES_MANAGE) and caller.employer_id:
        return caller.employer_id
    return None


def out_of_reach(case_id: str) -> DomainError:
    return DomainError(
        403,
        "case_out_of_reach",
        f"The case {case_id} is not in the caller's reach",
        details={"case_id": case_id},
    )


async def _require_reach(session: AsyncSession, caller: Principal, case_id: str) -> None:
    place = (
        await session.execute(
            select(Worker.community_code, Community.street_code)
            .outerjoin(Community, Community.community_code == Worker.community_code)
            .where(Worker.case_id == case_id)
        )
    ).first()
    if place is not None and not caller.reaches_case(community_code=place[0], street_code=place[1]):
        raise out_of_reach(case_id)


async def require_case_reach(placement: Placement, caller: Principal, *case_ids: str) -> None:
    """403 `case_out_of_reach` unless the caller reaches each of these workers' cases. A worker placement
    has not heard of is left to the use case (404 `worker_not_found`): there is nothing of it to reveal."""
    async with placement.sessions() as session:
        for case_id in case_ids:
            await _require_reach(session, caller, case_id)


async def require_record_reach(
    placement: Placement, caller: Principal, model: type[Referral | Hire | Business], key: str
) -> None:
    """The reach check on the worker's case a referral, hire or business belongs to (an unknown record is
    left for the use case's 404)."""
    async with placement.sessions() as session:
        record: Referral | Hire | Business | None = await session.get(model, key)
        if record is not None:
            await _require_reach(session, caller, record.case_id)


async def require_task_reach(placement: Placement, caller: Principal, task_key: str) -> None:
    async with placement.sessions() as session:
        case_id = await session.scalar(select(FollowUpTask.case_id).where(FollowUpTask.task_key == task_key))
        if case_id is not None:
            await _require_reach(session, caller, case_id)


def reachable_cases(caller: Principal) -> Select[str] | None:
    """The cases the caller reaches, as a subquery lists are filtered by (None: the whole district), so a
    list's limit counts only what the caller may see."""
    condition = case_reach(caller, Worker.community_code, _communities_of_street)
    return None if condition is None else select(Worker.case_id).where(condition)


def _communities_of_street(street_code: str) -> Select[str]:
    return select(Community.community_code).where(Community.street_code == street_code)
