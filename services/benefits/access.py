"""Who may use the staff side (`/applications`), and the object-level rule on a worker's case.

Staff (a token with a `role` claim) and the platform's own processes (a `service` client, such as the
journey's Temporal worker) use the staff side with its scopes; agency, employer and provider clients are
refused there even with a matching scope (an agency reads its applications under `/agencies/{agency}`).
A labour assistant reaches only the cases of their own community (`Principal.reaches_case`, checked against
the case-community view that intake's events keep).
"""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends

from services.common import scopes
from services.common.auth import Principal, require
from services.common.errors import DomainError


def staff_with(*needed: str) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency giving the caller when their token has every scope named and is staff's or a service
    client's (403 `staff_only` for other clients)."""
    token = require(*needed)

    async def staff(principal: Annotated[Principal, Depends(token)]) -> Principal:
        if principal.role is None and not principal.is_service_client:
            raise DomainError(
                403,
                "staff_only",
                "Applications are read and submitted by staff; an agency uses /agencies/{agency}",
                details={"client_kind": principal.client_kind or "unknown"},
            )
        return principal

    return staff


StaffReader = Annotated[Principal, Depends(staff_with(scopes.BENEFITS_READ))]
Applicant = Annotated[Principal, Depends(staff_with(scopes.BENEFITS_APPLY))]


def reaches(caller: Principal, community_code: str | None) -> bool:
    """The object-level rule for the case of an application; benefits knows no street, so a supervisor
    limited to a street reaches no case here (fail closed)."""
    return caller.reaches_case(community_code=community_code, street_code=None)


def require_reach(caller: Principal, case_id: str, community_code: str | None) -> None:
    """403 `case_out_of_reach` for a case outside the caller's community (or not known yet)."""
    if not reaches(caller, community_code):
        raise DomainError(
            403,
            "case_out_of_reach",
            f"Case {case_id} is not in the caller's community",
            details={"case_id": case_id},
        )
