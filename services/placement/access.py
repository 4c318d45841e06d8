"""Who may act for an employer: an employer client whose token names that employer."""

from typing import Annotated

from fastapi import Depends, Path

from services.common import scopes
from services.common.auth import Principal, require
from services.common.errors import DomainError

EmployerClient = Annotated[Principal, Depends(require(scopes.VACANCIES_MANAGE))]


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
