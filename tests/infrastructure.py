"""Real parts for tests: a Tansu broker, the Temporal dev server, fresh SQLite and PostgreSQL databases."""

import asyncio
import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from contracts.topics import ALL_TOPICS
from deploy.dev import components
from services.common.kafka import ensure_topics
from services.common.migrations import upgrade

POSTGRES_ADMIN_URL = os.environ.get(
    "REEMPLOY_TEST_POSTGRES_URL", "postgresql://reemploy:reemploy@127.0.0.1:5432/postgres"
)


class Broker:
    """A Tansu broker on a free port that a test can kill and start again on the same port."""

    def __init__(self) -> None:
        self.port = components.free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.process = subprocess.Popen(
            components.broker_command("127.0.0.1", self.port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        await asyncio.to_thread(components.wait_for_port, "127.0.0.1", self.port, timeout=20, what="broker")
        await ensure_topics(self.bootstrap, ALL_TOPICS)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class TemporalDevServer:
    def __init__(self, directory: Path) -> None:
        self.port = components.free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.command = components.temporal_command("127.0.0.1", self.port, None, directory / "temporal.db")
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await components.wait_for_temporal(self.address, timeout=60)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database, dropped afterwards; yields its SQLAlchemy asyncpg URL."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    await _admin(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    try:
        yield f"{base}/{name}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(statement: str, attempts: int = 5) -> None:
    """Run a database-level statement on a fresh connection, retrying while the server is busy with it."""
    for attempt in range(1, attempts + 1):
        try:
            admin = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=10)
        except (OSError, asyncpg.PostgresError) as error:
            raise RuntimeError(
                f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({error}); `make test` starts it"
            ) from error
        try:
            await admin.execute(statement)
            return
        except asyncpg.ObjectInUseError:
            if attempt == attempts:
                raise
            await asyncio.sleep(0.5 * attempt)
        finally:
            await admin.close()


@asynccontextmanager
async def migrated_database(kind: str, directory: Path, migrations_dir: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'{uuid.uuid4().hex[:8]}.db'}"
        await upgrade(migrations_dir, url)
        yield url
        return
    async with postgres_database() as url:
        await upgrade(migrations_dir, url)
        yield url
