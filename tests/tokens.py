"""Tokens for tests: a test issuer that signs with a fresh Ed25519 key and serves its JWKS to a verifier."""

import time
from collections.abc import Generator
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import get_default_algorithms

from contracts.ids import uuid7
from services.common.auth import TokenVerifier
from services.identity.domain import CLIENT_SCOPES, ROLE_SCOPES, ClientKind, Role

ISSUER = "https://issuer.reemploy.test"
AUDIENCE = "reemploy"


class TestIssuer:
    """Signs tokens with a fresh Ed25519 key and serves its JWKS to the verifier."""

    __test__ = False

    def __init__(self, issuer: str = ISSUER) -> None:
        self.issuer = issuer
        self.key = ed25519.Ed25519PrivateKey.generate()

    async def jwks(self) -> dict[str, Any]:
        public = get_default_algorithms()["EdDSA"].to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": "test", "alg": "EdDSA", "use": "sig"}]}

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.issuer, AUDIENCE, f"{self.issuer}/jwks", fetch_jwks=self.jwks)

    def headers(self, *granted: str, **claims: Any) -> dict[str, str]:
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "sub": "client-1",
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + 600,
            "jti": str(uuid7()),
            "scope": " ".join(granted),
            **claims,
        }
        token = jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": "test"})
        return {"authorization": f"Bearer {token}"}

    def staff_headers(self, role: str, **claims: str) -> dict[str, str]:
        """A staff member's token as identity would issue it: every scope of the role, and the role claim."""
        claims.setdefault("sub", f"staff-{role}")
        return self.headers(*sorted(ROLE_SCOPES[Role(role)]), role=role, **claims)

    def service_headers(self, subject: str = "temporal-worker") -> dict[str, str]:
        """A platform process's client-credentials token (the Temporal worker, say)."""
        scopes = sorted(CLIENT_SCOPES[ClientKind.SERVICE])
        return self.headers(*scopes, sub=subject, client_kind=ClientKind.SERVICE.value)

    def service_auth(self, subject: str = "temporal-worker") -> httpx.Auth:
        """An `httpx.Auth` sending a fresh service token with each request that names no token itself."""
        return _MintedBearer(lambda: self.service_headers(subject))


class _MintedBearer(httpx.Auth):
    def __init__(self, mint: Any) -> None:
        self.mint = mint

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "Authorization" not in request.headers:
            request.headers.update(self.mint())
        yield request
