"""Signing keys over time: one active key signs; the next one is published before it signs; a retired one
stays published until every token it signed has expired. So tokens keep verifying across a rotation."""

import logging
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from services.common.errors import DomainError
from services.identity.collaborators import Identity
from services.identity.domain import KeyAction, KeyStatus, TransitionRefused, activation_wait, key_transition
from services.identity.models import SigningKey

log = logging.getLogger(__name__)


async def _with_status(session: AsyncSession, status: KeyStatus) -> SigningKey | None:
    found: SigningKey | None = await session.scalar(
        select(SigningKey).where(SigningKey.status == status.value)
    )
    return found


async def ensure_active_key(identity: Identity) -> None:
    """At start: make an active key if there is none. Processes starting together make one between them."""
    try:
        async with identity.sessions.begin() as session:
            if await _with_status(session, KeyStatus.ACTIVE) is None:
                key = identity.key_ring.new_key(identity.keys.algorithm, KeyStatus.ACTIVE, identity.clock())
                session.add(key)
                log.info("first signing key made", extra={"kid": key.kid, "algorithm": key.algorithm})
    except IntegrityError:
        log.info("another process made the first signing key")


async def check_keys_unseal(identity: Identity) -> None:
    """At start: the keys that sign or will sign must open with this process's secret key."""
    async with identity.sessions() as session:
        keys = await session.scalars(select(SigningKey).where(SigningKey.status != KeyStatus.RETIRED.value))
        for key in keys:
            try:
                identity.key_ring.unsealed(key)
            except (InvalidTag, ValueError) as error:
                raise RuntimeError(
                    f"The signing key {key.kid} cannot be unsealed: REEMPLOY_SECRET_KEY differs from the one "
                    "it was sealed with"
                ) from error


async def active_key(session: AsyncSession) -> SigningKey:
    key = await _with_status(session, KeyStatus.ACTIVE)
    if key is None:
        raise DomainError(503, "no_signing_key", "No signing key is active; restart the identity service")
    return key


async def all_keys(identity: Identity) -> list[SigningKey]:
    async with identity.sessions() as session:
        return list(await session.scalars(select(SigningKey).order_by(SigningKey.created_at)))


async def published_jwks(identity: Identity) -> dict[str, Any]:
    keys = await all_keys(identity)
    return identity.key_ring.jwks(keys, identity.clock(), identity.keys.keep_retired)


async def prepare_next_key(identity: Identity, algorithm: str | None) -> SigningKey:
    """Publish a new key as next; it signs only once activated. One next key at a time."""
    key = identity.key_ring.new_key(algorithm or identity.keys.algorithm, KeyStatus.NEXT, identity.clock())
    try:
        async with identity.sessions.begin() as session:
            pending = await _with_status(session, KeyStatus.NEXT)
            if pending is not None:
                raise _next_key_exists(pending.kid)
            session.add(key)
    except IntegrityError:
        raise _next_key_exists(None) from None
    log.info("next signing key published", extra={"kid": key.kid, "algorithm": key.algorithm})
    return key


def _next_key_exists(kid: str | None) -> DomainError:
    return DomainError(
        409,
        "next_key_exists",
        "A next key is already published; activate it first",
        details={"kid": kid} if kid else None,
    )


def _move(key: SigningKey, action: KeyAction) -> KeyStatus:
    try:
        return key_transition(KeyStatus(key.status), action)
    except TransitionRefused as refused:
        raise DomainError(409, "key_transition_refused", f"Key {key.kid}: {refused}") from refused


async def activate_next_key(identity: Identity, kid: str) -> SigningKey:
    """Sign with the next key from now on; the active key retires but stays published."""
    now = identity.clock()
    try:
        async with identity.sessions.begin() as session:
            key = await session.get(SigningKey, kid)
            if key is None:
                raise DomainError(404, "key_not_found", f"No signing key {kid}")
            activated = _move(key, KeyAction.ACTIVATE)
            wait = activation_wait(key.created_at, now, identity.keys.publication)
            if wait.total_seconds() > 0:
                raise DomainError(
                    409,
                    "key_not_published_long_enough",
                    "Verifiers may not hold this key yet; activate it later",
                    details={"retry_after_seconds": str(int(wait.total_seconds()) + 1)},
                )
            current = await _with_status(session, KeyStatus.ACTIVE)
            if current is not None:
                current.status = _move(current, KeyAction.RETIRE).value
                current.retired_at = now
                await session.flush()
            key.status = activated.value
            key.activated_at = now
    except (StaleDataError, IntegrityError):
        raise DomainError(409, "concurrent_rotation", "Another rotation happened at the same time") from None
    log.info(
        "signing key activated",
        extra={"kid": kid, "retired_kid": current.kid if current is not None else None},
    )
    return key
