"""The console's composition root: the read model's database, the token verifier, the service gateway."""

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.common.auth import TokenVerifier
from services.common.db import create_engine, database_ready, session_factory
from services.common.http import service_app
from services.common.settings import ServiceSettings
from services.console import api, downloads, live, page_actions, pages, uploads
from services.console.actions import ServiceGateway
from services.console.settings import console_settings
from services.console.staff import LoginRequired

DESCRIPTION = (
    "The staff dashboard (工作台): caseloads, case timelines, supervision, target assessment (目标考核) and "
    "outcomes, from a read model built by consuming every topic. Pages are server-rendered; the JSON API "
    "serves targets. Errors answer with `{error, message, errors: [{field, reason}]}`."
)
HERE = Path(__file__).parent
CHART_JS = HERE / "node_modules" / "chart.js" / "dist"
UPLOAD_PATH = re.compile(r"^/uploads$")
"""Spreadsheets are uploaded here, under the larger limit of batch uploads."""


def create_app(
    settings: ServiceSettings,
    *,
    verifier: TokenVerifier | None = None,
    today: Callable[[], date] = lambda: datetime.now(UTC).date(),
) -> FastAPI:
    config = console_settings(settings)
    engine = create_engine(config.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=config.console_http_timeout_seconds) as client:
            app.state.sessions = session_factory(engine)
            app.state.token_verifier = verifier or TokenVerifier.from_settings(config)
            app.state.gateway = ServiceGateway(
                client=client,
                identity_url=config.identity_url,
                intake_url=config.intake_url,
                placement_url=config.placement_url,
                import_timeout_seconds=config.console_import_timeout_seconds,
            )
            app.state.upload_minutes = config.console_upload_minutes
            app.state.today = today
            app.state.secure_cookie = config.console_secure_cookie
            app.state.live_poll_seconds = config.console_live_poll_seconds
            app.state.live_stream_seconds = config.console_live_stream_seconds
            yield
        await engine.dispose()

    app = service_app(
        service="console",
        title="Reemploy console",
        description=DESCRIPTION,
        lifespan=lifespan,
        readiness={"database": database_ready(engine)},
        max_body_bytes=config.max_body_bytes,
        bulk_max_body_bytes=config.bulk_max_body_bytes,
        bulk_paths=UPLOAD_PATH,
    )

    async def to_login(_request: Request, _exc: Exception) -> Response:
        return RedirectResponse("/login", status_code=303)

    app.add_exception_handler(LoginRequired, to_login)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.mount("/assets/chart.js", StaticFiles(directory=CHART_JS, check_dir=False), name="chart.js")
    app.include_router(page_actions.router)
    app.include_router(pages.router)
    app.include_router(live.router)
    app.include_router(api.router)
    app.include_router(downloads.router)
    app.include_router(downloads.api_router)
    app.include_router(uploads.router)
    return app
