"""The identity service's composition root."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import TokenVerifier
from services.common.db import create_engine, database_ready, session_factory
from services.common.http import service_app
from services.common.rate_limit import TokenBucketLimiter
from services.common.settings import ServiceSettings
from services.identity import admin, api, rotation
from services.identity.collaborators import Identity, KeyPolicy, LockoutPolicy
from services.identity.credentials import Passwords
from services.identity.domain import TokenPolicy
from services.identity.keys import KeyRing, KeySealer
from services.identity.settings import IdentitySettings

DESCRIPTION = (
    "Issues access tokens: client credentials for agencies, employers, training providers and services; "
    "a password login for staff. Publishes its signing keys (JWKS) and rotates them without downtime. "
    "Every other service only verifies tokens, against a configurable issuer and JWKS URL."
)


def identity_settings(settings: ServiceSettings) -> IdentitySettings:
    """The service's own settings: what was given, plus the `REEMPLOY_IDENTITY_*` variables."""
    if isinstance(settings, IdentitySettings):
        return settings
    return IdentitySettings(**settings.model_dump())


def wire(settings: IdentitySettings, engine: AsyncEngine) -> Identity:
    tokens = TokenPolicy(
        issuer=settings.auth_issuer,
        audience=settings.auth_audience,
        staff_lifetime=timedelta(minutes=settings.identity_staff_token_minutes),
        client_lifetime=timedelta(minutes=settings.identity_client_token_minutes),
    )
    return Identity(
        sessions=session_factory(engine),
        key_ring=KeyRing(KeySealer(settings.secret_key)),
        passwords=Passwords(
            PasswordHasher(
                time_cost=settings.identity_password_time_cost,
                memory_cost=settings.identity_password_memory_kib,
            )
        ),
        tokens=tokens,
        lockout=LockoutPolicy(
            threshold=settings.identity_lockout_threshold,
            duration=timedelta(minutes=settings.identity_lockout_minutes),
        ),
        keys=KeyPolicy(
            algorithm=settings.identity_signing_algorithm,
            publication=timedelta(seconds=settings.identity_key_publication_seconds),
            keep_retired=tokens.longest_lifetime + timedelta(seconds=settings.identity_token_leeway_seconds),
            jwks_max_age_seconds=settings.identity_jwks_max_age_seconds,
        ),
        client_limiter=TokenBucketLimiter(
            rate_per_minute=settings.identity_client_rate_per_minute, burst=settings.identity_client_burst
        ),
        address_limiter=TokenBucketLimiter(
            rate_per_minute=settings.identity_address_rate_per_minute, burst=settings.identity_address_burst
        ),
    )


def create_app(settings: ServiceSettings) -> FastAPI:
    config = identity_settings(settings)
    engine = create_engine(config.database_url)
    identity = wire(config, engine)

    async def own_jwks() -> dict[str, object]:
        return await rotation.published_jwks(identity)

    verifier = TokenVerifier(
        config.auth_issuer,
        config.auth_audience,
        config.auth_jwks_url,
        fetch_jwks=own_jwks,
        leeway_seconds=config.identity_token_leeway_seconds,
        cache_seconds=30,
        refetch_floor_seconds=0,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await rotation.ensure_active_key(identity)
        await rotation.check_keys_unseal(identity)
        await admin.ensure_bootstrap_admin(
            identity, config.identity_bootstrap_admin_username, config.identity_bootstrap_admin_password
        )
        await admin.ensure_service_clients(identity, config.identity_service_clients)
        yield
        await engine.dispose()

    app = service_app(
        service="identity",
        title="Reemploy identity",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine)},
        max_body_bytes=config.max_body_bytes,
        bulk_max_body_bytes=config.max_body_bytes,
    )
    app.state.identity = identity
    app.state.token_verifier = verifier
    app.include_router(api.oauth_router)
    app.include_router(api.admin_router)
    return app
