"""The token endpoint (RFC 6749): client credentials for systems, the password grant for staff.

Errors are RFC 6749 §5.2 codes. Every request first takes from two rate-limit buckets, one for the
remote address and one for the client (the client id, or the username on a password login).
"""

import base64
import binascii
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from sqlalchemy import ColumnElement, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.ids import uuid7
from services.common.rate_limit import retry_after
from services.identity.collaborators import Identity
from services.identity.credentials import client_secret_matches
from services.identity.domain import (
    PARTY_CLAIM,
    ROLE_SCOPES,
    Role,
    ScopeRefused,
    access_token_claims,
    granted_scopes,
    is_locked,
)
from services.identity.models import Client, SigningKey, StaffUser
from services.identity.rotation import active_key

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
CLIENT_CREDENTIALS = "client_credentials"
PASSWORD = "password"
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="reemploy"'}
LOGIN_REFUSED = "The username or password is wrong, or the account is locked for a while"


class TokenError(Exception):
    """A refusal in RFC 6749 §5.2 terms: `error`, `error_description`, status and headers."""

    def __init__(
        self, error: str, description: str, status: int = 400, headers: dict[str, str] | None = None
    ):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        self.headers = headers or {}


@dataclass(frozen=True)
class TokenRequest:
    parameters: dict[str, str]
    remote_address: str
    basic_credentials: tuple[str, str] | None = None


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    claims: dict[str, Any] = field(repr=False)


def parse_token_request(
    *, content_type: str | None, body: bytes, authorization: str | None, remote_address: str
) -> TokenRequest:
    """The form parameters (each at most once, RFC 6749 §3.2) and HTTP Basic client credentials."""
    if content_type is None or content_type.split(";")[0].strip().lower() != FORM:
        raise TokenError("invalid_request", f"The token request must be {FORM}")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise TokenError("invalid_request", "The token request is not UTF-8") from None
    parameters: dict[str, str] = {}
    for name, value in pairs:
        if name in parameters:
            raise TokenError("invalid_request", f"The parameter {name} is given more than once")
        parameters[name] = value
    basic = _basic_credentials(authorization)
    if basic is not None and ("client_secret" in parameters or "client_id" in parameters):
        raise TokenError("invalid_request", "Authenticate the client by one method only (Basic or form)")
    return TokenRequest(parameters=parameters, remote_address=remote_address, basic_credentials=basic)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if authorization is None or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise TokenError("invalid_client", "Malformed Basic credentials", 401, BASIC_CHALLENGE) from None
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        raise TokenError("invalid_client", "Malformed Basic credentials", 401, BASIC_CHALLENGE)
    return unquote_plus(client_id), unquote_plus(secret)


async def issue_token(identity: Identity, request: TokenRequest) -> IssuedToken:
    grant_type = request.parameters.get("grant_type")
    _take_rate_limit(identity, request, grant_type)
    if not grant_type:
        raise TokenError("invalid_request", "grant_type is required")
    if grant_type == CLIENT_CREDENTIALS:
        return await _client_credentials(identity, request)
    if grant_type == PASSWORD:
        return await _password(identity, request)
    raise TokenError("unsupported_grant_type", f"Supported: {CLIENT_CREDENTIALS}, {PASSWORD}")


def _client_key(request: TokenRequest, grant_type: str | None) -> str | None:
    if request.basic_credentials is not None:
        return f"client:{request.basic_credentials[0]}"
    if grant_type == PASSWORD and request.parameters.get("username"):
        return f"staff:{request.parameters['username'].casefold()}"
    if request.parameters.get("client_id"):
        return f"client:{request.parameters['client_id']}"
    return None


def _take_rate_limit(identity: Identity, request: TokenRequest, grant_type: str | None) -> None:
    waits = [identity.address_limiter.take(request.remote_address)]
    if (client_key := _client_key(request, grant_type)) is not None:
        waits.append(identity.client_limiter.take(client_key))
    wait = max(waits)
    if wait > 0:
        log.info("token request rate-limited", extra={"remote_address": request.remote_address})
        raise TokenError(
            "rate_limited", "Too many token requests; retry later", 429, {"Retry-After": retry_after(wait)}
        )


async def _client_credentials(identity: Identity, request: TokenRequest) -> IssuedToken:
    if request.basic_credentials is not None:
        client_id, secret = request.basic_credentials
        challenge = BASIC_CHALLENGE
    else:
        client_id = request.parameters.get("client_id", "")
        secret = request.parameters.get("client_secret", "")
        challenge = {} if client_id else BASIC_CHALLENGE
    async with identity.sessions() as session:
        client = await session.get(Client, client_id) if client_id else None
        if not client_secret_matches(secret, client.secret_hash if client else None) or client is None:
            log.info("client authentication failed", extra={"client_id": client_id[:64]})
            raise TokenError("invalid_client", "Unknown client or wrong secret", 401, challenge)
        if not client.active:
            raise TokenError("invalid_client", "The client is deactivated", 401, challenge)
        scopes = _granted(request, frozenset(client.scopes))
        parties = {
            "agency_code": client.agency_code,
            "employer_id": client.employer_id,
            "provider_id": client.provider_id,
        }
        extra = {PARTY_CLAIM[name]: value for name, value in parties.items()}
        extra |= {"client_id": client.client_id, "client_kind": client.kind}
        return await _sign(
            identity,
            session,
            subject=client.client_id,
            scopes=scopes,
            lifetime=identity.tokens.client_lifetime,
            extra=extra,
        )


def _granted(request: TokenRequest, allowed: frozenset[str]) -> frozenset[str]:
    try:
        return granted_scopes(request.parameters.get("scope"), allowed)
    except ScopeRefused as refused:
        raise TokenError("invalid_scope", f"The requested scope is refused: {refused}") from refused


async def _password(identity: Identity, request: TokenRequest) -> IssuedToken:
    """Staff login. No client authentication: staff tokens are not bound to a client."""
    username = request.parameters.get("username", "").casefold()
    password = request.parameters.get("password", "")
    if not username or not password:
        raise TokenError("invalid_request", "username and password are required")
    async with identity.sessions() as session:
        staff = await session.scalar(select(StaffUser).where(StaffUser.username == username))
    if staff is not None and is_locked(staff.locked_until, identity.clock()):
        log.info("login refused: account locked", extra={"staff_id": staff.staff_id})
        raise TokenError("invalid_grant", LOGIN_REFUSED)
    if not await identity.passwords.verify(staff.password_hash if staff else None, password) or staff is None:
        if staff is not None:
            await _count_failure(identity, staff)
        raise TokenError("invalid_grant", LOGIN_REFUSED)
    scopes = _granted(request, ROLE_SCOPES[Role(staff.role)])
    rehashed = (
        await identity.passwords.hash(password)
        if identity.passwords.needs_rehash(staff.password_hash)
        else None
    )
    async with identity.sessions.begin() as session:
        if not await _record_success(identity, session, staff, rehashed):
            raise TokenError("invalid_grant", LOGIN_REFUSED)
        extra = {
            "role": staff.role,
            "community_code": staff.community_code,
            "street_code": staff.street_code,
            "assistant_id": staff.assistant_id,
            "preferred_username": staff.username,
        }
        return await _sign(
            identity,
            session,
            subject=staff.staff_id,
            scopes=scopes,
            lifetime=identity.tokens.staff_lifetime,
            extra=extra,
        )


def _not_locked(identity: Identity) -> ColumnElement[bool]:
    return or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= identity.clock())


async def _count_failure(identity: Identity, staff: StaffUser) -> None:
    """One more failure in a row, counted atomically; the threshold-th locks the account and starts over.
    Failures racing with the lock are not counted, so a lock is never stretched by them."""
    threshold = identity.lockout.threshold
    reaches = StaffUser.failed_attempts + 1 >= threshold
    locked_until = identity.clock() + identity.lockout.duration
    async with identity.sessions.begin() as session:
        result = await session.execute(
            update(StaffUser)
            .where(StaffUser.staff_id == staff.staff_id, _not_locked(identity))
            .values(
                failed_attempts=case((reaches, 0), else_=StaffUser.failed_attempts + 1),
                locked_until=case((reaches, locked_until), else_=StaffUser.locked_until),
                version=StaffUser.version + 1,
            )
            .returning(StaffUser.locked_until)
            .execution_options(synchronize_session=False)
        )
        row = result.first()
    if row is not None and is_locked(row.locked_until, identity.clock()):
        log.warning("account locked after failed logins", extra={"staff_id": staff.staff_id})
    else:
        log.info("login failed", extra={"staff_id": staff.staff_id})


async def _record_success(
    identity: Identity, session: AsyncSession, staff: StaffUser, rehashed: str | None
) -> bool:
    """Clear the failure count, unless the account was locked meanwhile."""
    values: dict[str, Any] = {"failed_attempts": 0, "locked_until": None, "version": StaffUser.version + 1}
    if rehashed is not None:
        values["password_hash"] = rehashed
    result = await session.execute(
        update(StaffUser)
        .where(StaffUser.staff_id == staff.staff_id, _not_locked(identity))
        .values(**values)
        .returning(StaffUser.staff_id)
        .execution_options(synchronize_session=False)
    )
    return result.first() is not None


async def _sign(
    identity: Identity,
    session: AsyncSession,
    *,
    subject: str,
    scopes: frozenset[str],
    lifetime: timedelta,
    extra: dict[str, str | None],
) -> IssuedToken:
    key: SigningKey = await active_key(session)
    claims = access_token_claims(
        identity.tokens,
        subject=subject,
        scopes=scopes,
        lifetime=lifetime,
        now=identity.clock(),
        token_id=str(uuid7()),
        extra=extra,
    )
    token = identity.key_ring.sign(claims, key)
    log.info(
        "token issued", extra={"sub": subject, "scope": claims["scope"], "jti": claims["jti"], "kid": key.kid}
    )
    return IssuedToken(
        access_token=token, expires_in=int(lifetime.total_seconds()), scope=claims["scope"], claims=claims
    )
