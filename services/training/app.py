"""The training service's composition root."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from services.common.auth import TokenVerifier
from services.common.db import create_engine, database_ready, session_factory
from services.common.http import service_app
from services.common.outbox import Outbox
from services.common.settings import ServiceSettings
from services.training import api, models
from services.training.collaborators import Training, utc_now

DESCRIPTION = (
    "Free practical training (培训引路) with partner providers: providers and their accreditation, the "
    "course catalogue, classes with a waitlist, enrolment, attendance, completion and certificates, course "
    "recommendations and statistics. Every endpoint needs a bearer token: supervisors keep providers and the "
    "catalogue (`training:manage`), staff read with `training:read`, a labour assistant enrols and withdraws "
    "the workers of their community (`cases:write`). A provider manages its own classes under "
    "`/providers/{provider_id}/classes` with a provider client's token (`training:provide`) naming that "
    "provider. Errors answer with `{error, message, errors: [{field, reason}], details}`."
)


def create_app(
    settings: ServiceSettings,
    *,
    clock: Callable[[], datetime] = utc_now,
    token_verifier: TokenVerifier | None = None,
) -> FastAPI:
    """`token_verifier` replaces the one built from the settings (tests inject their issuer's)."""
    engine = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.training = Training(
            sessions=session_factory(engine), outbox=Outbox(models.outbox), clock=clock
        )
        app.state.token_verifier = token_verifier or TokenVerifier.from_settings(settings)
        yield
        await engine.dispose()

    app = service_app(
        service="training",
        title="Reemploy training",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine)},
        max_body_bytes=settings.max_body_bytes,
        bulk_max_body_bytes=settings.bulk_max_body_bytes,
    )
    for router in api.ROUTERS:
        app.include_router(router)
    return app
