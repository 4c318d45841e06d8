"""What the identity use cases work with, wired once in the composition root."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.rate_limit import TokenBucketLimiter
from services.identity.credentials import Passwords
from services.identity.domain import TokenPolicy
from services.identity.keys import KeyRing


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int
    duration: timedelta


@dataclass(frozen=True)
class KeyPolicy:
    algorithm: str
    publication: timedelta
    """How long a next key is published before it may sign."""
    keep_retired: timedelta
    """How long a retired key stays published: the longest token lifetime plus leeway."""
    jwks_max_age_seconds: int


@dataclass(frozen=True)
class Identity:
    sessions: async_sessionmaker[AsyncSession]
    key_ring: KeyRing
    passwords: Passwords
    tokens: TokenPolicy
    lockout: LockoutPolicy
    keys: KeyPolicy
    client_limiter: TokenBucketLimiter
    address_limiter: TokenBucketLimiter
    clock: Callable[[], datetime] = utc_now
