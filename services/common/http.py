"""What every HTTP service app gets: correlation ids, request metrics, error bodies, size limit, ops."""

import re
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.ids import uuid7
from services.common import metrics
from services.common.error_responses import document_errors
from services.common.errors import BodySizeLimit, install_error_handlers
from services.common.logging import correlation_id
from services.common.ops import ReadinessCheck, ops_router

CORRELATION_HEADER = "X-Correlation-ID"


def service_app(
    *,
    service: str,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[Any]],
    readiness: Mapping[str, ReadinessCheck],
    max_body_bytes: int,
    bulk_max_body_bytes: int,
    bulk_paths: re.Pattern[str] | None = None,
) -> FastAPI:
    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    install_error_handlers(app)
    document_errors(app)
    app.include_router(ops_router(readiness))
    app.add_middleware(
        BodySizeLimit, max_bytes=max_body_bytes, bulk_max_bytes=bulk_max_body_bytes, bulk_paths=bulk_paths
    )
    app.add_middleware(ObserveRequests, service=service)
    return app


class ObserveRequests:
    """Sets the correlation id (`X-Correlation-ID`, or a new one), echoes it, counts and times requests."""

    def __init__(self, app: ASGIApp, *, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(CORRELATION_HEADER)
        request_correlation_id = given or str(uuid7())
        token = correlation_id.set(request_correlation_id)
        started = time.perf_counter()
        status = 500

        async def send_with_correlation(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[CORRELATION_HEADER] = request_correlation_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_correlation)
        finally:
            correlation_id.reset(token)
            path = getattr(scope.get("route"), "path", "unmatched")
            metrics.HTTP_REQUESTS.labels(self.service, path, str(status)).inc()
            metrics.HTTP_LATENCY.labels(self.service, path).observe(time.perf_counter() - started)


def current_correlation_id() -> str:
    return correlation_id.get() or str(uuid7())
