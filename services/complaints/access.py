"""Who is asking, and the checks on it: the one place the service turns a request into a `Reader`.

Agencies prove who they are with an access token: an `agency` client's token with the
`complaints:referrals` scope, whose `agency` claim names the agency. Whenever a bearer token is sent, the
reader is the token's identity and the `X-Reemploy-*` headers are ignored, so a header can never
impersonate an agency. Station staff and the workflow may still say who they are with `X-Reemploy-Role`
(a placeholder until their tokens land); that header can no longer claim the `agency` role.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common import scopes
from services.common.auth import Principal, require
from services.common.errors import DomainError
from services.complaints.domain import STATION_STAFF, Role, may_read_details

AGENCY_CLIENT = "agency"

_bearer = HTTPBearer(auto_error=False, description="An access token; required for agencies")
_verified = require()
_agency_token = require(scopes.COMPLAINTS_REFERRALS)


@dataclass(frozen=True)
class Reader:
    role: str
    agency: str | None = None


def reader_of(principal: Principal) -> Reader:
    """The reader a verified token names: an agency client acts as its agency, staff by their role claim;
    any other client gets its client kind as role, which no check here accepts."""
    if principal.client_kind == AGENCY_CLIENT:
        if not principal.has_scopes(scopes.COMPLAINTS_REFERRALS):
            raise DomainError(
                403,
                "insufficient_scope",
                f"The token lacks the scope {scopes.COMPLAINTS_REFERRALS}",
                details={"required_scope": scopes.COMPLAINTS_REFERRALS},
            )
        return Reader(role=Role.AGENCY, agency=principal.agency)
    return Reader(role=principal.role or principal.client_kind or "unknown")


async def current_reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    x_reemploy_role: Annotated[
        str | None,
        Header(
            description="rights_officer, supervisor or workflow when no token is sent (until staff tokens)"
        ),
    ] = None,
    x_reemploy_agency: Annotated[
        str | None, Header(description="Refused: an agency is named by its token's `agency` claim")
    ] = None,
) -> Reader:
    """A sent token decides who reads (401 when it does not verify); otherwise the staff role header."""
    if credentials is not None:
        return reader_of(await _verified(request, credentials))
    if x_reemploy_role == Role.AGENCY or x_reemploy_agency is not None:
        raise DomainError(
            401,
            "agency_token_required",
            "An agency reads with its own access token, not with X-Reemploy-Role / X-Reemploy-Agency",
        )
    if not x_reemploy_role:
        raise DomainError(401, "reader_unidentified", "Say who is asking: a bearer token or X-Reemploy-Role")
    return Reader(role=x_reemploy_role)


async def current_agency(principal: Annotated[Principal, Depends(_agency_token)]) -> Reader:
    """The agency side needs a token with `complaints:referrals`: 401 without one, 403 without the scope."""
    return reader_of(principal)


CurrentReader = Annotated[Reader, Depends(current_reader)]
CurrentAgency = Annotated[Reader, Depends(current_agency)]


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
