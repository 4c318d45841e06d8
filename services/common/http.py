"""What every HTTP service app gets: correlation ids, request metrics, error bodies, size limit, ops."""

import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI, Request, Response

from contracts.ids import uuid7
from services.common import metrics
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
) -> FastAPI:
    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(ops_router(readiness))
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_correlation_id = request.headers.get(CORRELATION_HEADER) or str(uuid7())
        token = correlation_id.set(request_correlation_id)
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            correlation_id.reset(token)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics.HTTP_REQUESTS.labels(service, path, str(response.status_code)).inc()
        metrics.HTTP_LATENCY.labels(service, path).observe(time.perf_counter() - started)
        response.headers[CORRELATION_HEADER] = request_correlation_id
        return response

    return app


def current_correlation_id() -> str:
    return correlation_id.get() or str(uuid7())
