"""Tokens for tests: a test issuer that signs with a fresh Ed25519 key and serves its JWKS to a verifier."""

import time
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import get_default_algorithms

from contracts.ids import uuid7
from services.common.auth import TokenVerifier

ISSUER = "https://issuer.reemploy.test"
AUDIENCE = "reemploy"


class TestIssuer:
    """Signs tokens with a fresh Ed25519 key and serves its JWKS to the verifier."""

    def __init__(self, issuer: str = ISSUER) -> None:
        self.issuer = issuer
        self.key = ed25519.Ed25519PrivateKey.generate()

    async def jwks(self) -> dict[str, Any]:
        public = get_default_algorithms()["EdDSA"].to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": "test", "alg": "EdDSA", "use": "sig"}]}

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.issuer, AUDIENCE, f"{self.issuer}/jwks", fetch_jwks=self.jwks)

    def headers(self, *granted: str, **claims: str) -> dict[str, str]:
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
