"""Who is asking, and the checks on it: the one place the auth work will switch from headers to token claims.

Until tokens land, the reader's role comes from `X-Reemploy-Role` and an agency's identity from
`X-Reemploy-Agency`. These headers are trusted as given: they are a placeholder, not security.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from services.common.errors import DomainError
from services.complaints.domain import STATION_STAFF, Role, may_read_details


@dataclass(frozen=True)
class Reader:
    role: str
    agency: str | None = None


def current_reader(
    x_reemploy_role: Annotated[
        str | None, Header(description="rights_officer, supervisor, agency or workflow (until tokens land)")
    ] = None,
    x_reemploy_agency: Annotated[str | None, Header(description="The agency, for role agency")] = None,
) -> Reader:
    if not x_reemploy_role:
        raise DomainError(401, "reader_unidentified", "Say who is asking: X-Reemploy-Role is missing")
    return Reader(role=x_reemploy_role, agency=x_reemploy_agency)


CurrentReader = Annotated[Reader, Depends(current_reader)]


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
    """An agency acts only as itself: the path's agency must be the reader's."""
    if reader.role != Role.AGENCY or reader.agency != agency:
        raise _refuse(reader, f"act for agency '{agency}'")
