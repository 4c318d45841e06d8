"""Identity rules: who may hold which scopes, what a token says, when an account is locked, which keys are
published. Pure: no I/O."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from services.common import scopes as s


class Role(StrEnum):
    """A staff member's role."""

    LABOUR_ASSISTANT = "labour_assistant"
    SUPERVISOR = "supervisor"
    RIGHTS_OFFICER = "rights_officer"
    LEADING_GROUP = "leading_group"
    ADMIN = "admin"


class ClientKind(StrEnum):
    """What a client (a system calling with client credentials) acts for."""

    AGENCY = "agency"
    EMPLOYER = "employer"
    PROVIDER = "provider"
    SERVICE = "service"


_ASSISTANT_SCOPES = frozenset(
    {
        s.CASES_READ,
        s.CASES_WRITE,
        s.TRAINING_READ,
        s.PLACEMENT_READ,
        s.PLACEMENT_WRITE,
        s.COMPLAINTS_WRITE,
        s.BENEFITS_READ,
        s.BENEFITS_APPLY,
        s.DASHBOARD_READ,
    }
)

ROLE_SCOPES: Mapping[Role, frozenset[str]] = {
    Role.LABOUR_ASSISTANT: _ASSISTANT_SCOPES,
    Role.SUPERVISOR: _ASSISTANT_SCOPES
    | {
        s.NETWORK_MANAGE,
        s.PLANS_APPROVE,
        s.RESTRUCTURING_MANAGE,
        s.COMPLAINTS_READ,
        s.TARGETS_READ,
        s.CASES_READ_RESIDENT_ID,
        s.AUDIT_READ,
        s.TRAINING_MANAGE,
        s.PLACEMENT_MANAGE,
    },
    Role.RIGHTS_OFFICER: frozenset({s.CASES_READ, s.COMPLAINTS_READ, s.COMPLAINTS_WRITE, s.COMPLAINTS_REFER}),
    Role.LEADING_GROUP: frozenset({s.DASHBOARD_READ, s.TARGETS_READ, s.TARGETS_MANAGE}),
    Role.ADMIN: frozenset({s.IDENTITY_ADMIN, s.NETWORK_MANAGE, s.AUDIT_READ}),
}
"""The scopes a staff member's token may carry, by role (the authorization matrix for staff)."""

CLIENT_SCOPES: Mapping[ClientKind, frozenset[str]] = {
    ClientKind.AGENCY: frozenset(
        {s.CASES_READ_SHARED, s.BENEFITS_READ, s.BENEFITS_DECIDE, s.COMPLAINTS_REFERRALS}
    ),
    ClientKind.EMPLOYER: frozenset({s.VACANCIES_MANAGE}),
    ClientKind.PROVIDER: frozenset({s.TRAINING_PROVIDE}),
    ClientKind.SERVICE: frozenset(s.SCOPES) - {s.IDENTITY_ADMIN},
}
"""The scopes a client of each kind may be granted; each client is granted a subset at registration."""

CLIENT_PARTY_FIELD: Mapping[ClientKind, str | None] = {
    ClientKind.AGENCY: "agency_code",
    ClientKind.EMPLOYER: "employer_id",
    ClientKind.PROVIDER: "provider_id",
    ClientKind.SERVICE: None,
}
"""The one field naming whom a client acts for; a service client acts for no one but itself."""

PARTY_CLAIM = {"agency_code": "agency", "employer_id": "employer_id", "provider_id": "provider_id"}

MIN_PASSWORD_LENGTH = 12


def client_registration_problems(
    kind: ClientKind, parties: Mapping[str, str | None], requested_scopes: frozenset[str]
) -> list[dict[str, str]]:
    """Why a client registration is refused, by field; empty when it is acceptable."""
    problems = []
    expected = CLIENT_PARTY_FIELD[kind]
    for field, value in parties.items():
        if field == expected and value is None:
            problems.append({"field": field, "reason": f"required for a client of kind {kind.value}"})
        elif field != expected and value is not None:
            problems.append({"field": field, "reason": f"not allowed for a client of kind {kind.value}"})
    refused = sorted(requested_scopes - CLIENT_SCOPES[kind])
    if refused:
        problems.append(
            {"field": "scopes", "reason": f"a {kind.value} client cannot hold: {' '.join(refused)}"}
        )
    return problems


def staff_problems(
    username: str,
    password: str,
    role: Role,
    community_code: str | None,
    street_code: str | None,
    assistant_id: str | None = None,
) -> list[dict[str, str]]:
    """Why a staff registration is refused, by field. A labour assistant serves one community of one
    street and may name their assistant id in intake; a supervisor may be limited to one street; other
    roles serve the whole district."""
    problems = password_problems(username, password)
    if role is Role.LABOUR_ASSISTANT:
        for field, value in (("community_code", community_code), ("street_code", street_code)):
            if value is None:
                problems.append({"field": field, "reason": "required for a labour assistant"})
        return problems
    if assistant_id is not None:
        problems += assistant_problems(role)
    if community_code is not None:
        problems.append({"field": "community_code", "reason": f"not allowed for the role {role.value}"})
    if street_code is not None and role is not Role.SUPERVISOR:
        problems.append({"field": "street_code", "reason": f"not allowed for the role {role.value}"})
    return problems


def assistant_problems(role: Role) -> list[dict[str, str]]:
    """Only a labour assistant's login names an assistant of intake's caseworker network."""
    if role is Role.LABOUR_ASSISTANT:
        return []
    return [{"field": "assistant_id", "reason": f"not allowed for the role {role.value}"}]


def password_problems(username: str, password: str) -> list[dict[str, str]]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [{"field": "password", "reason": f"at least {MIN_PASSWORD_LENGTH} characters"}]
    if username.casefold() in password.casefold():
        return [{"field": "password", "reason": "must not contain the username"}]
    return []


class ScopeRefused(ValueError):
    """A token request names a scope its client or role may not hold, or names none it may."""


def granted_scopes(requested: str | None, allowed: frozenset[str]) -> frozenset[str]:
    """The scopes to put in the token: those requested (all allowed ones when none are named)."""
    if requested is None or not requested.strip():
        if not allowed:
            raise ScopeRefused("no scope is allowed")
        return allowed
    wanted = frozenset(requested.split())
    refused = sorted(wanted - allowed)
    if refused:
        raise ScopeRefused(f"not allowed: {' '.join(refused)}")
    return wanted


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


@dataclass(frozen=True)
class TokenPolicy:
    issuer: str
    audience: str
    staff_lifetime: timedelta
    client_lifetime: timedelta

    @property
    def longest_lifetime(self) -> timedelta:
        return max(self.staff_lifetime, self.client_lifetime)


def access_token_claims(
    policy: TokenPolicy,
    *,
    subject: str,
    scopes: frozenset[str],
    lifetime: timedelta,
    now: datetime,
    token_id: str,
    extra: Mapping[str, str | None],
) -> dict[str, Any]:
    """An RFC 9068 access token's claims; `extra` claims that are None are left out."""
    issued = int(now.timestamp())
    return {
        "iss": policy.issuer,
        "sub": subject,
        "aud": policy.audience,
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(lifetime.total_seconds()),
        "jti": token_id,
        "scope": " ".join(sorted(scopes)),
        **{name: value for name, value in extra.items() if value is not None},
    }


class KeyStatus(StrEnum):
    NEXT = "next"
    ACTIVE = "active"
    RETIRED = "retired"


class KeyAction(StrEnum):
    ACTIVATE = "activate"
    RETIRE = "retire"


KEY_TRANSITIONS: Mapping[tuple[KeyStatus, KeyAction], KeyStatus] = {
    (KeyStatus.NEXT, KeyAction.ACTIVATE): KeyStatus.ACTIVE,
    (KeyStatus.ACTIVE, KeyAction.RETIRE): KeyStatus.RETIRED,
}
"""A signing key is published as next, signs while active, and stays published a while once retired."""


class TransitionRefused(ValueError):
    """The transition table has no such move from the current status."""


def key_transition(current: KeyStatus, action: KeyAction) -> KeyStatus:
    try:
        return KEY_TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionRefused(f"a {current.value} key cannot take '{action.value}'") from None


def is_published(status: KeyStatus, retired_at: datetime | None, now: datetime, keep: timedelta) -> bool:
    """Next and active keys are in the JWKS; a retired key stays there for `keep` (the longest token
    lifetime plus leeway), so every token it signed verifies until it expires."""
    if status is not KeyStatus.RETIRED:
        return True
    return retired_at is not None and retired_at + keep > now


def activation_wait(created_at: datetime, now: datetime, publication: timedelta) -> timedelta:
    """How much longer a next key must be published before it may sign (zero when it may now): verifiers
    that cached the JWKS before it appeared then hold it already."""
    return max(timedelta(0), created_at + publication - now)
