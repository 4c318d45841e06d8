"""Staff passwords (argon2id) and client secrets (generated, stored as SHA-256).

A client secret is 256 random bits made by this service, so a fast hash is enough: nothing can be guessed.
Passwords are chosen by people, so they get argon2id, verified off the event loop.
"""

import asyncio
import hashlib
import hmac
import secrets
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    @cached_property
    def _decoy_hash(self) -> str:
        return self._hasher.hash(secrets.token_urlsafe(16))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether the password matches; with no hash (unknown user) a decoy is checked, taking as long."""
        try:
            matches = await asyncio.to_thread(
                self._hasher.verify, password_hash or self._decoy_hash, password
            )
        except (VerificationError, InvalidHashError):
            return False
        return matches and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def client_secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def client_secret_matches(secret: str, secret_hash: str | None) -> bool:
    """Compares in constant time; with no stored hash (unknown client) it still hashes, and refuses."""
    return (
        hmac.compare_digest(client_secret_hash(secret), secret_hash or "0" * 64) and secret_hash is not None
    )
