"""Real parts for tests: a Tansu broker, the Temporal dev server, fresh SQLite and PostgreSQL databases."""

import asyncio
import os
import random
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from contracts.topics import ALL_TOPICS
from deploy.dev import components
from deploy.dev.lifelines import tied_to_this_process
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
            preexec_fn=tied_to_this_process(),
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
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=tied_to_this_process(),
        )
        await components.wait_for_temporal(self.address, timeout=60)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


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


def stack_ports() -> dict[str, int]:
    """Ports for a whole `make up` stack in one test, keyed as `RunningStack` takes them.

    Blocks of consecutive ports, free now and below the ephemeral range (32768 on) so that no outgoing
    connection takes one meanwhile: the stack counts service and ops ports up from one base port, the services
    sit at their registry offsets around it (the console below), and Temporal also opens its port + 10.
    """
    from deploy.registry import service_definitions

    definitions = service_definitions().values()
    offsets = [definition.port_offset for definition in definitions]
    consumers = sum(definition.has_consumers for definition in definitions)
    taken: set[int] = set()
    service_block = _free_block(max(offsets) - min(offsets) + 1, taken)
    return {
        "broker": _free_block(1, taken),
        "temporal": _free_block(11, taken),
        "ui": _free_block(1, taken),
        "service": service_block - min(offsets),
        "ops": _free_block(len(offsets) + consumers + 2, taken),
    }


def _free_block(size: int, taken: set[int]) -> int:
    while True:
        first = random.randrange(20_000, 32_000 - size)
        block = set(range(first, first + size))
        if not block & taken and all(_bindable(port) for port in block):
            taken |= block
            return first


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
