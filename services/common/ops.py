"""`/healthz`, `/readyz` and `/metrics`: on every HTTP service, and as a small server for other processes."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping

import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

ReadinessCheck = Callable[[], Awaitable[bool]]


def ops_router(checks: Mapping[str, ReadinessCheck]) -> APIRouter:
    """Liveness answers while the process runs; readiness runs every check and names the failing ones."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        results = {name: await _run_check(check) for name, check in checks.items()}
        ready = all(results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": results},
            status_code=200 if ready else 503,
        )

    @router.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _run_check(check: ReadinessCheck) -> bool:
    try:
        return await asyncio.wait_for(check(), timeout=2.0)
    except Exception:
        return False


class QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signals to the process; it stops when told through `should_exit`."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve_ops(host: str, port: int, checks: Mapping[str, ReadinessCheck], stop: asyncio.Event) -> None:
    """Serve the ops endpoints until `stop` is set (for processes without an HTTP API of their own)."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.include_router(ops_router(checks))
    server = QuietServer(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False))
    serving = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await serving
