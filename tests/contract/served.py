"""A service's real app on a loopback port: its own SQLite database migrated to head, uvicorn in a thread.

The thread has its own event loop, so a synchronous test (schemathesis sends its requests with `requests`)
can call the app while it runs. `serve` stops the server and joins the thread on every outcome.
"""

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from services.common.migrations import upgrade
from services.common.ops import QuietServer

AppFactory = Callable[[str], FastAPI]
"""Builds the service's app on the database at the given URL."""

START_SECONDS = 60.0
STOP_SECONDS = 30.0


class _Server(QuietServer):
    """Tells `ready` once start-up is over, whether it succeeded (`started`) or not."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().startup(sockets)
        finally:
            self.ready.set()


class _ServingThread(threading.Thread):
    def __init__(
        self, build: AppFactory, migrations: Path, database_url: str, listener: socket.socket
    ) -> None:
        super().__init__(name=f"served-{migrations.parent.name}", daemon=True)
        self.build = build
        self.migrations = migrations
        self.database_url = database_url
        self.listener = listener
        self.server: _Server | None = None
        self.failure: BaseException | None = None
        self.ready = threading.Event()

    def run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as failure:
            self.failure = failure
        finally:
            self.ready.set()

    async def _serve(self) -> None:
        await upgrade(self.migrations, self.database_url)
        config = uvicorn.Config(self.build(self.database_url), log_config=None, access_log=False)
        self.server = _Server(config, self.ready)
        await self.server.serve(sockets=[self.listener])

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True


@contextmanager
def serve(build: AppFactory, migrations: Path, directory: Path) -> Iterator[str]:
    """Serve the app `build` makes on a fresh database in `directory`; yields the base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    thread = _ServingThread(build, migrations, f"sqlite+aiosqlite:///{directory / 'service.db'}", listener)
    thread.start()
    try:
        if not thread.ready.wait(START_SECONDS):
            raise TimeoutError(f"the app on port {port} did not start within {START_SECONDS:.0f} s")
        if thread.failure is not None or thread.server is None or not thread.server.started:
            raise RuntimeError(f"the app on port {port} did not start") from thread.failure
        yield f"http://127.0.0.1:{port}"
    finally:
        thread.stop()
        thread.join(STOP_SECONDS)
        listener.close()
        if thread.is_alive():
            raise RuntimeError(f"the app on port {port} did not stop within {STOP_SECONDS:.0f} s")
