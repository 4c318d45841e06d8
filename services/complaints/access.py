"""Who is asking, and the checks on it: the one place the service turns a verified token into a `Reader`.

Identity comes only from the access token: staff by its `role` claim (rights officers and supervisors
handle complaints; labour assistants may only file them), the platform's own processes (a `service`
client, such as the Temporal worker) act as the complaint workflow, and an `agency` client as the agency its
`agency` claim names. Each route also names the scope its token needs (`require`).
"""

from collections.abc import Callable, Collection, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from services.common import scopes
from services.common.auth import Principal, require
from services.common.client_rate_limit import rate_limited, take
from services.common.errors import DomainError
from services.complaints.domain import STATION_STAFF, Role, may_read_details

AGENCY_CLIENT = "agency"


@dataclass(frozen=True)
class Reader:
    role: str
    agency: str | None = None


def reader_of(principal: Principal) -> Reader:
    """The reader a verified token names: an agency client acts as its agency, a service client as the
    complaint workflow, staff by their role claim; anything else by its client kind, which no check
    accepts."""
    if principal.client_kind == AGENCY_CLIENT:
        return Reader(role=Role.AGENCY, agency=principal.agency)
    if principal.is_service_client:
        return Reader(role=Role.WORKFLOW)
    return Reader(role=principal.role or principal.client_kind or "unknown")


def reader_with(*needed: str) -> Callable[..., Coroutine[Any, Any, Reader]]:
    """A dependency giving the `Reader` of a token carrying every scope named (401 / 403 otherwise)."""
    token = require(*needed)

    async def reader(principal: Annotated[Principal, Depends(token)]) -> Reader:
        return reader_of(principal)

    return reader


_any_token = require()


async def details_reader(request: Request, principal: Annotated[Principal, Depends(_any_token)]) -> Reader:
    """A complaint's details are read by staff with `complaints:read` and by agencies with
    `complaints:referrals` (counted against the agency client's rate limit); which of the two a token
    needs depends on who it names."""
    needed = scopes.COMPLAINTS_REFERRALS if principal.client_kind == AGENCY_CLIENT else scopes.COMPLAINTS_READ
    if not principal.has_scopes(needed):
        raise DomainError(
            403,
            "insufficient_scope",
            f"The token lacks the scope {needed}",
            details={"required_scope": needed},
            headers={
                "WWW-Authenticate": f'Bearer realm="reemploy", error="insufficient_scope", scope="{needed}"'
            },
        )
    if principal.client_kind == AGENCY_CLIENT:
        take(request, principal)
    return reader_of(principal)


async def agency_reader(
    principal: Annotated[Principal, Depends(rate_limited(scopes.COMPLAINTS_REFERRALS))],
) -> Reader:
    """The agency side: a token with `complaints:referrals`, within its client's rate limit."""
    return reader_of(principal)


Writer = Annotated[Reader, Depends(reader_with(scopes.COMPLAINTS_WRITE))]
StaffReader = Annotated[Reader, Depends(reader_with(scopes.COMPLAINTS_READ))]
DetailsReader = Annotated[Reader, Depends(details_reader)]
Referrer = Annotated[Reader, Depends(reader_with(scopes.COMPLAINTS_REFER))]
CurrentAgency = Annotated[Reader, Depends(agency_reader)]


def _refuse(reader: Reader, what: str) -> DomainError:
    return DomainError(
        403,
        "complaint_access_refused",
        f"A reader with role '{reader.role}' may not {what}",
        details={"role": reader.role},
    )


def require_details(reader: Reader, referred_to: Collection[str]) -> None:
    """Details: rights officers, supervisors, and an agency the complaint was referred to."""
    if not may_read_details(reader.role, reader.agency, referred_to):
        raise _refuse(reader, "read this complaint's details")


def require_station_staff(reader: Reader) -> None:
    if reader.role not in STATION_STAFF:
        raise _refuse(reader, "handle complaints")


def require_progress_reader(reader: Reader) -> None:
    """Progress (status and dates, no details): the station and its workflow."""
    if reader.role not in STATION_STAFF | {Role.WORKFLOW}:
        raise _refuse(reader, "read a complaint's progress")


def require_workflow(reader: Reader) -> None:
    if reader.role != Role.WORKFLOW:
        raise _refuse(reader, "record reminders, escalations or satisfaction checks")


def require_agency(reader: Reader, agency: str) -> None:
    """An agency acts only as itself: the path's agency must be its token's (403 `agency_mismatch`)."""
    if reader.role != Role.AGENCY or reader.agency != agency:
        raise DomainError(
            403,
            "agency_mismatch",
            f"The token acts for {reader.agency or 'no agency'}, not {agency}",
            details={"agency": agency},
        )
