"""Staff tokens signed like the identity service's (EdDSA, RFC 9068 claims) with a key made for the test."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.common.auth import TokenVerifier

ISSUER = "http://identity.test"
AUDIENCE = "reemploy"


class StaffTokens:
    """Signs staff tokens the way the identity service does (EdDSA, RFC 9068 claims) with a test key."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.kid = "console-test-key"

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.OKPAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [public | {"kid": self.kid, "use": "sig", "alg": "EdDSA"}]}

    def verifier(self) -> TokenVerifier:
        async def fetch() -> dict[str, Any]:
            return self.jwks()

        return TokenVerifier(ISSUER, AUDIENCE, f"{ISSUER}/.well-known/jwks.json", fetch_jwks=fetch)

    def token(self, role: str, staff_id: str | None = None, **claims: str) -> str:
        now = datetime.now(UTC)
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": staff_id or str(uuid.uuid4()),
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(hours=1)).timestamp()),
            "jti": str(uuid.uuid4()),
            "role": role,
            "scope": "dashboard:read targets:read targets:manage",
        } | claims
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": self.kid, "typ": "at+jwt"})
