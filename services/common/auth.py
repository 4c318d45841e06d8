"""Verifying access tokens (signed JWTs) from one trusted issuer, and the `require(*scopes)` dependency.

A service trusts the issuer named by its settings (`auth_issuer`, `auth_audience`, `auth_jwks_url`): the
identity service by default, or any OIDC provider that publishes a JWKS. Only asymmetric algorithms are
accepted (EdDSA, ES256, RS256), and only with a key of the matching type, so `alg: none` and the HS256
"public key as HMAC secret" confusion are refused. Tokens themselves are never logged.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.error_responses import Answer, answers
from services.common.errors import DomainError
from services.common.settings import ServiceSettings
from services.common.verified_tokens import VerifiedToken, VerifiedTokens

log = logging.getLogger(__name__)

KEY_TYPE_OF_ALGORITHM: Mapping[str, str] = {"EdDSA": "OKP", "ES256": "EC", "RS256": "RSA"}
"""The accepted signing algorithms, each with the only JWK key type it may be verified with."""

REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "jti")
LABOUR_ASSISTANT = "labour_assistant"
SUPERVISOR = "supervisor"
SERVICE_CLIENT = "service"
"""The client kind of the platform's own processes (the Temporal worker), as identity names it."""
REALM = "reemploy"

JwksFetcher = Callable[[], Awaitable[Mapping[str, Any]]]


@dataclass(frozen=True)
class Principal:
    """Who is calling: a staff member (with a role) or a client acting for an agency, employer or provider."""

    subject: str
    scopes: frozenset[str]
    token_id: str
    expires_at: datetime
    role: str | None = None
    community_code: str | None = None
    street_code: str | None = None
    assistant_id: str | None = None
    client_kind: str | None = None
    agency: str | None = None
    employer_id: str | None = None
    provider_id: str | None = None

    def has_scopes(self, *scopes: str) -> bool:
        return set(scopes) <= self.scopes

    @property
    def is_service_client(self) -> bool:
        return self.client_kind == SERVICE_CLIENT

    def reaches_case(self, *, community_code: str | None, street_code: str | None) -> bool:
        """The object-level rule for a worker's case: a labour assistant reaches the cases of their own
        community, a supervisor limited to a street the cases of that street; other staff and service
        clients, whose scopes already decide, the whole district."""
        if self.role == LABOUR_ASSISTANT:
            return self.community_code is not None and self.community_code == community_code
        if self.role == SUPERVISOR and self.street_code is not None:
            return self.street_code == street_code
        return True


def acting_assistant(principal: Principal, named: str | None) -> str | None:
    """The labour assistant an action on a case is recorded for. A labour assistant whose token carries
    their `assistant_id` acts as themselves: their own id when the body names none, 403
    `assistant_mismatch` when it names another. Other callers (supervisors, the journey) name whom they act
    for, or nobody."""
    own = principal.assistant_id if principal.role == LABOUR_ASSISTANT else None
    if own is None:
        return named
    if named is not None and named != own:
        raise DomainError(
            403,
            "assistant_mismatch",
            "A labour assistant records actions as themselves",
            details={"assistant_id": named, "token_assistant_id": own},
        )
    return own


class InvalidToken(Exception):
    """The token is malformed, forged, expired, not yet valid, or meant for another issuer or audience."""


class KeysUnavailable(Exception):
    """The issuer's JWKS could not be fetched and no cached key can verify the token."""


def http_jwks_fetcher(url: str, *, timeout_seconds: float = 5.0) -> JwksFetcher:
    """Fetch the JWKS document at `url` over HTTP(S)."""

    async def fetch() -> Mapping[str, Any]:
        async with httpx.AsyncClient(timeout=timeout_seconds) as client:
            response = await client.get(url, headers={"accept": "application/json"})
            response.raise_for_status()
            document: Mapping[str, Any] = response.json()
            return document

    return fetch


class TokenVerifier:
    """Verifies bearer tokens against an issuer's JWKS, cached for `cache_seconds`.

    A token signed with a key id not in the cache makes the verifier fetch the JWKS again (a rotated
    issuer publishes its next key before signing with it), but not more often than every
    `refetch_floor_seconds`, so a flood of tokens with made-up key ids cannot hammer the issuer.

    The last `remembered_tokens` tokens that verified are remembered until they expire (plus leeway): a
    caller's next requests cost a dictionary look-up and the key check, not a signature check.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        jwks_url: str,
        *,
        fetch_jwks: JwksFetcher | None = None,
        leeway_seconds: float = 30.0,
        cache_seconds: float = 300.0,
        refetch_floor_seconds: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        remembered_tokens: int = 4096,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.jwks_url = jwks_url
        self._fetch = fetch_jwks or http_jwks_fetcher(jwks_url)
        self._leeway = leeway_seconds
        self._cache_seconds = cache_seconds
        self._refetch_floor = refetch_floor_seconds
        self._clock = clock
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._fetch_failed = False
        self._refreshing = asyncio.Lock()
        self._verified = VerifiedTokens(capacity=remembered_tokens, wall_clock=wall_clock)

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "TokenVerifier":
        """The verifier a service's composition root puts in `app.state.token_verifier`."""
        return cls(settings.auth_issuer, settings.auth_audience, settings.auth_jwks_url)

    async def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            await self._key(remembered.kid)
            return remembered.principal
        principal, kid, expires = await self._verify_afresh(token)
        self._verified.put(
            token, VerifiedToken(principal=principal, kid=kid, accepted_until=expires + self._leeway)
        )
        return principal

    async def _verify_afresh(self, token: str) -> tuple[Principal, str, float]:
        """The principal, the signing key's id and the `exp` claim of a token checked in full."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken("the token is not a well-formed JWT") from error
        algorithm = header.get("alg")
        if not isinstance(algorithm, str) or algorithm not in KEY_TYPE_OF_ALGORITHM:
            raise InvalidToken(f"the signing algorithm {algorithm!r} is not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token names no signing key (kid)")
        key = await self._key(kid)
        if key.key_type != KEY_TYPE_OF_ALGORITHM[algorithm] or key.algorithm_name != algorithm:
            raise InvalidToken("the token's algorithm does not match its signing key")
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("the token has expired") from error
        except jwt.ImmatureSignatureError as error:
            raise InvalidToken("the token is not valid yet") from error
        except jwt.InvalidAudienceError as error:
            raise InvalidToken("the token is meant for another audience") from error
        except jwt.InvalidIssuerError as error:
            raise InvalidToken("the token comes from another issuer") from error
        except jwt.InvalidSignatureError as error:
            raise InvalidToken("the token's signature does not verify") from error
        except jwt.PyJWTError as error:
            raise InvalidToken(f"the token is not valid: {error}") from error
        return principal_from_claims(claims), kid, float(claims["exp"])

    async def _key(self, kid: str) -> jwt.PyJWK:
        now = self._clock()
        fresh = self._fetched_at is not None and now - self._fetched_at < self._cache_seconds
        if kid in self._keys and fresh:
            return self._keys[kid]
        if self._attempted_at is None or now - self._attempted_at >= self._refetch_floor:
            await self._refresh()
        else:
            async with self._refreshing:
                pass  # a fetch in flight (the first one, say) brings the keys this token may need
        if kid in self._keys:
            return self._keys[kid]
        if self._fetch_failed:
            raise KeysUnavailable(f"the JWKS at {self.jwks_url} could not be fetched")
        raise InvalidToken("the token is signed with a key the issuer does not publish")

    async def _refresh(self) -> None:
        """Fetch the JWKS once for all waiting callers; on failure keep the keys known so far."""
        attempted = self._attempted_at
        async with self._refreshing:
            if self._attempted_at != attempted:
                return
            self._attempted_at = self._clock()
            try:
                keys = parse_jwks(await self._fetch())
            except Exception as error:
                self._fetch_failed = True
                log.warning(
                    "fetching the JWKS failed", extra={"jwks_url": self.jwks_url, "error": repr(error)}
                )
                return
            self._keys = keys
            self._fetched_at = self._attempted_at
            self._fetch_failed = False


def parse_jwks(document: Mapping[str, Any]) -> dict[str, jwt.PyJWK]:
    """The usable signing keys of a JWKS by key id; keys for encryption or other algorithms are skipped."""
    keys: dict[str, jwt.PyJWK] = {}
    entries = document.get("keys") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise ValueError("a JWKS document has a list of keys")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("use", "sig") != "sig" or not entry.get("kid"):
            continue
        try:
            key = jwt.PyJWK(entry)
        except jwt.PyJWTError:
            continue
        if key.algorithm_name in KEY_TYPE_OF_ALGORITHM:
            keys[str(entry["kid"])] = key
    return keys


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Our claims (`scope`, `role`, `community_code`, `street_code`, `assistant_id`, `client_kind`,
    `agency`, `employer_id`, `provider_id`); a space-separated `scope` or a `scp` list, as OIDC
    providers differ."""
    scope = claims.get("scope", claims.get("scp", ""))
    scopes = frozenset(scope.split() if isinstance(scope, str) else (str(item) for item in scope))

    def optional(name: str) -> str | None:
        value = claims.get(name)
        return None if value is None else str(value)

    return Principal(
        subject=str(claims["sub"]),
        scopes=scopes,
        token_id=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        role=optional("role"),
        community_code=optional("community_code"),
        street_code=optional("street_code"),
        assistant_id=optional("assistant_id"),
        client_kind=optional("client_kind"),
        agency=optional("agency"),
        employer_id=optional("employer_id"),
        provider_id=optional("provider_id"),
    )


_bearer = HTTPBearer(auto_error=False, description="An access token from the configured issuer")
_CHALLENGE = {"WWW-Authenticate": "A Bearer challenge (RFC 6750) naming the problem"}


def _challenge(**parameters: str) -> dict[str, str]:
    rendered = ", ".join(f'{name}="{value}"' for name, value in {"realm": REALM, **parameters}.items())
    return {"WWW-Authenticate": f"Bearer {rendered}"}


@answers(
    {
        401: Answer("`missing_token` or `invalid_token`: no bearer token, or one refused", _CHALLENGE),
        503: Answer("`token_keys_unavailable`: the issuer's signing keys could not be fetched; retry"),
    }
)
async def _verified_caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The verified bearer token; one dependency for every `require`, so FastAPI verifies it once a request
    however many of a route's dependencies ask for scopes."""
    if credentials is None:
        raise DomainError(401, "missing_token", "A bearer token is required", headers=_challenge())
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return await verifier.verify(credentials.credentials)
    except InvalidToken as refused:
        raise DomainError(
            401,
            "invalid_token",
            str(refused),
            headers=_challenge(error="invalid_token", error_description=str(refused)),
        ) from refused
    except KeysUnavailable as unavailable:
        raise DomainError(503, "token_keys_unavailable", str(unavailable)) from unavailable


def require(*scopes: str) -> Callable[..., Awaitable[Principal]]:
    """A route dependency giving the caller's `Principal` when their token carries every scope named.

    401 when the token is missing or invalid, 403 `insufficient_scope` when scopes are missing, both with
    a `WWW-Authenticate` challenge (RFC 6750). The app's `state.token_verifier` does the verifying.
    """
    needed = frozenset(scopes)
    lacking = f"the scope {' '.join(needed)}" if len(needed) == 1 else f"one of {' '.join(sorted(needed))}"
    refusal = Answer(f"`insufficient_scope`: the token lacks {lacking}", _CHALLENGE)

    @answers({403: refusal} if needed else {})
    async def principal(caller: Annotated[Principal, Depends(_verified_caller)]) -> Principal:
        missing = needed - caller.scopes
        if missing:
            required = " ".join(sorted(needed))
            raise DomainError(
                403,
                "insufficient_scope",
                f"The token lacks the scope {' '.join(sorted(missing))}",
                details={"required_scope": required},
                headers=_challenge(error="insufficient_scope", scope=required),
            )
        return caller

    return principal
