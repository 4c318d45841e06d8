"""Signing keys: generated per algorithm, sealed at rest with the service's secret, published as JWKs."""

import base64
import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jwt.algorithms import get_default_algorithms

from contracts.ids import uuid7
from services.identity.domain import KeyStatus, is_published
from services.identity.models import SigningKey

NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"
SigningPrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def generate_private_key(algorithm: str) -> SigningPrivateKey:
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise ValueError(f"unsupported signing algorithm {algorithm!r}")


class KeySealer:
    """AES-256-GCM with a key derived from the service secret (HKDF, its own label); the kid is bound in,
    so a sealed key cannot be moved to another row."""

    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"reemploy", info=b"identity signing keys v1")
        self._cipher = AESGCM(key.derive(secret_key.encode()))

    def seal(self, private_key: PrivateKeyTypes, kid: str) -> str:
        pem = private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        nonce = os.urandom(NONCE_BYTES)
        return base64.urlsafe_b64encode(
            FORMAT_VERSION + nonce + self._cipher.encrypt(nonce, pem, kid.encode())
        ).decode()

    def unseal(self, sealed: str, kid: str) -> SigningPrivateKey:
        raw = base64.urlsafe_b64decode(sealed.encode())
        if raw[:1] != FORMAT_VERSION:
            raise ValueError("unknown sealed-key format")
        nonce, ciphertext = raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :]
        key = serialization.load_pem_private_key(self._cipher.decrypt(nonce, ciphertext, kid.encode()), None)
        if not isinstance(key, SigningPrivateKey):
            raise ValueError("a sealed signing key of an unexpected type")
        return key


class KeyRing:
    """Makes keys, signs with them (unsealed keys are kept in memory by kid) and renders the JWKS."""

    def __init__(self, sealer: KeySealer) -> None:
        self._sealer = sealer
        self._unsealed: dict[str, SigningPrivateKey] = {}

    def new_key(self, algorithm: str, status: KeyStatus, now: datetime) -> SigningKey:
        kid = str(uuid7())
        private_key = generate_private_key(algorithm)
        public_jwk: dict[str, Any] = get_default_algorithms()[algorithm].to_jwk(
            private_key.public_key(), as_dict=True
        )
        return SigningKey(
            kid=kid,
            algorithm=algorithm,
            public_jwk={**public_jwk, "kid": kid, "alg": algorithm, "use": "sig"},
            private_key_sealed=self._sealer.seal(private_key, kid),
            status=status.value,
            created_at=now,
            activated_at=now if status is KeyStatus.ACTIVE else None,
            version=1,
        )

    def unsealed(self, key: SigningKey) -> SigningPrivateKey:
        """The private key, unsealed once and then kept; `InvalidTag` when sealed under another secret."""
        private_key = self._unsealed.get(key.kid)
        if private_key is None:
            private_key = self._unsealed[key.kid] = self._sealer.unseal(key.private_key_sealed, key.kid)
        return private_key

    def sign(self, claims: dict[str, Any], key: SigningKey) -> str:
        private_key = self.unsealed(key)
        return jwt.encode(
            claims, private_key, algorithm=key.algorithm, headers={"kid": key.kid, "typ": "at+jwt"}
        )

    @staticmethod
    def jwks(keys: Iterable[SigningKey], now: datetime, keep_retired: timedelta) -> dict[str, Any]:
        published = [
            key.public_jwk
            for key in keys
            if is_published(KeyStatus(key.status), key.retired_at, now, keep_retired)
        ]
        return {"keys": published}
