"""The placement service's composition root."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError

from services.common.auth import TokenVerifier
from services.common.db import create_engine, database_ready, session_factory
from services.common.errors import error_body
from services.common.http import service_app
from services.common.outbox import Outbox
from services.common.settings import ServiceSettings
from services.placement import api, models, outcomes_api
from services.placement.collaborators import Placement

DESCRIPTION = (
    "The free job-intermediary service: employers, vacancies (flexible forms included), matching with "
    "explanations, referrals, hires, businesses started, job fairs and follow-up tasks. Every endpoint "
    "needs a bearer token: staff read with `placement:read` and record with `placement:write` on the "
    "workers' cases they reach, supervisors verify employers (`placement:manage`). An employer posts and "
    "closes its vacancies, answers referrals and hires under `/employers/{employer_id}` with an employer "
    "client's token (`vacancies:manage`) naming that employer, and reads only its own records. Errors "
    "answer with `{error, message, errors: [{field, reason}], details}`."
)


async def _concurrent_change(_request: Request, _exc: Exception) -> JSONResponse:
    return JSONResponse(
        error_body("concurrent_change", "The record changed meanwhile; read it again and retry"),
        status_code=409,
    )


def create_app(settings: ServiceSettings, *, token_verifier: TokenVerifier | None = None) -> FastAPI:
    """`token_verifier` defaults to the one the settings name (tests inject a test issuer's)."""
    engine = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.placement = Placement(sessions=session_factory(engine), outbox=Outbox(models.outbox))
        app.state.token_verifier = token_verifier or TokenVerifier.from_settings(settings)
        yield
        await engine.dispose()

    app = service_app(
        service="placement",
        title="Reemploy placement",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine)},
        max_body_bytes=settings.max_body_bytes,
        bulk_max_body_bytes=settings.bulk_max_body_bytes,
    )
    app.add_exception_handler(StaleDataError, _concurrent_change)
    app.include_router(api.router)
    app.include_router(outcomes_api.router)
    return app
