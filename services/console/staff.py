"""Who is looking: the staff token kept in an HttpOnly, SameSite=Strict cookie, verified on every request."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.common.auth import InvalidToken, KeysUnavailable, TokenVerifier
from services.common.errors import DomainError
from services.console.domain import Page, Role, may_open, role_of
from services.console.i18n import LANGUAGE_COOKIE, language_of

SESSION_COOKIE = "console_session"


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login form."""


@dataclass(frozen=True)
class Staff:
    """A staff member; `assistant_id` is their id in intake's caseworker network: the token's
    `assistant_id` claim, or their subject when the issuer gives none (an issuer that numbers assistants
    as intake does)."""

    staff_id: str
    role: Role
    token: str
    assistant_id: str
    community_code: str | None
    street_code: str | None


async def current_staff(request: Request) -> Staff:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        principal = await verifier.verify(token)
    except InvalidToken as invalid:
        raise LoginRequired from invalid
    except KeysUnavailable as unavailable:
        raise DomainError(503, "token_keys_unavailable", str(unavailable)) from unavailable
    role = role_of(principal.role)
    if role is None:
        raise DomainError(403, "staff_only", "The console is for staff with a role")
    return Staff(
        staff_id=principal.subject,
        role=role,
        token=token,
        assistant_id=principal.assistant_id or principal.subject,
        community_code=principal.community_code,
        street_code=principal.street_code,
    )


StaffDep = Annotated[Staff, Depends(current_staff)]


def allowed(staff: Staff, page: Page) -> None:
    if not may_open(staff.role, page):
        raise DomainError(403, "page_not_allowed", f"The role {staff.role} may not open the {page} page")


def language(request: Request) -> str:
    return language_of(request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE))
