"""The checks every intake use case makes inside its transaction: the case exists, the caller reaches it."""

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.auth import Principal
from services.common.errors import DomainError
from services.common.reach import case_reach
from services.intake.models import Community, WorkerCase


async def require_case(session: AsyncSession, case_id: str, caller: Principal) -> WorkerCase:
    """The case, or 404 `case_not_found`; 403 `case_out_of_reach` when the caller may not work on it."""
    case = await session.get(WorkerCase, case_id)
    if case is None:
        raise DomainError(404, "case_not_found", f"No case {case_id}")
    await require_reach(session, caller, case.community_code)
    return case


async def street_of(session: AsyncSession, community_code: str) -> str | None:
    street: str | None = await session.scalar(
        select(Community.street_code).where(Community.community_code == community_code)
    )
    return street


async def require_reach(session: AsyncSession, caller: Principal, community_code: str) -> None:
    """403 `case_out_of_reach` unless the caller reaches the cases of that community
    (`Principal.reaches_case`: an assistant their own community, a street's supervisor their street)."""
    refuse_out_of_reach(caller, community_code, await street_of(session, community_code))


def refuse_out_of_reach(caller: Principal, community_code: str, street_code: str | None) -> None:
    """`require_reach` for a caller whose community's street is already known."""
    if not caller.reaches_case(community_code=community_code, street_code=street_code):
        raise DomainError(
            403,
            "case_out_of_reach",
            f"The caller does not serve the cases of community {community_code}",
            details={"community_code": community_code},
        )


def reachable_cases(caller: Principal) -> ColumnElement[bool]:
    """`Principal.reaches_case` as a SQL condition on `WorkerCase`, so lists filter before they page."""
    condition = case_reach(caller, WorkerCase.community_code, _communities_of_street)
    return true() if condition is None else condition


def _communities_of_street(street_code: str) -> Select[str]:
    return select(Community.community_code).where(Community.street_code == street_code)
