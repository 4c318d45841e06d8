"""The complaints service's composition root."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI

from services.common.auth import TokenVerifier
from services.common.client_rate_limit import ClientRateLimit
from services.common.db import create_engine, database_ready, session_factory
from services.common.http import service_app
from services.common.outbox import Outbox
from services.common.settings import ServiceSettings
from services.common.temporal import LazyTemporalClient
from services.complaints import api, models
from services.complaints.collaborators import Station
from services.complaints.deadlines import TemporalComplaintWorkflows

DESCRIPTION = (
    "The workers' rights-protection service station (维权服务站): complaints, their deadlines, escalation, "
    "referral to a competent agency, resolution and the worker's satisfaction. Every route needs an access "
    "token with its scope: staff (`complaints:read`, `complaints:write`, `complaints:refer`) by their `role` "
    "claim, the workflow with a service client's token, agencies with `complaints:referrals` and the path's "
    "agency in their `agency` claim. Details only reach rights officers, supervisors and the agency the "
    "complaint was referred to. Errors answer with `{error, message, errors: [{field, reason}], details}`."
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def create_app(
    settings: ServiceSettings,
    *,
    clock: Callable[[], datetime] = _utc_now,
    token_verifier: TokenVerifier | None = None,
) -> FastAPI:
    engine = create_engine(settings.database_url)
    temporal = LazyTemporalClient(settings.temporal_address, settings.temporal_namespace)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.station = Station(
            sessions=session_factory(engine),
            outbox=Outbox(models.outbox),
            clock=clock,
            workflows=TemporalComplaintWorkflows(temporal),
        )
        app.state.token_verifier = token_verifier or TokenVerifier.from_settings(settings)
        app.state.client_rate_limit = ClientRateLimit.from_settings(settings)
        yield
        await engine.dispose()

    app = service_app(
        service="complaints",
        title="Reemploy complaints",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine)},
        max_body_bytes=settings.max_body_bytes,
        bulk_max_body_bytes=settings.bulk_max_body_bytes,
    )
    app.include_router(api.router)
    app.include_router(api.agency_router)
    return app
