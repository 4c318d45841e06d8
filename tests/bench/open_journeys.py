"""Benchmark: what 10,000 open journeys cost the worker's memory and Temporal's database.

On the whole embedded stack (its default layout), in a temporary directory: after a warm-up, measures the idle
baseline (the resident memory of the process that hosts the Temporal worker, and the size of Temporal's SQLite
database with its WAL); registers `--journeys` workers (default BENCH_JOURNEYS or 10,000) over HTTP, waits
until each one's journey runs and the worker is quiet again, and measures the same figures. Prints them with
their ratio to the baseline and the cost per journey; saved under var/bench/ and docs/performance/.
"""

import asyncio
import time
from dataclasses import dataclass

from deploy.dev.stack import Stack
from tests.bench import _embedded, _load

QUIET_CPU_PERCENT = 5.0
QUIET_WINDOW_SECONDS = 5.0
QUIET_BOUND_SECONDS = 600.0


@dataclass
class Snapshot:
    open_journeys: int
    worker_rss_mib: float
    worker_pss_mib: float
    temporal_db_mib: float
    load: str


@dataclass
class JourneyFigures:
    layout: str
    worker_process: str
    journeys: int
    registrations_per_second: float
    baseline: Snapshot
    loaded: Snapshot
    worker_rss_ratio: float
    temporal_db_ratio: float
    worker_kib_per_journey: float
    temporal_db_kib_per_journey: float


def temporal_db_mib(stack: Stack) -> float:
    files = stack.var_dir.glob("temporal.db*")
    return sum(path.stat().st_size for path in files) / 2**20


def wait_until_quiet(pid: int) -> None:
    """Until the process uses under QUIET_CPU_PERCENT of a core over a window (or the bound passes)."""
    deadline = time.monotonic() + QUIET_BOUND_SECONDS
    while time.monotonic() < deadline:
        if _embedded.cpu_over({"worker": pid}, QUIET_WINDOW_SECONDS)["worker"] < QUIET_CPU_PERCENT:
            return


async def snapshot(stack: Stack, client: object, pid: int) -> Snapshot:
    await asyncio.to_thread(wait_until_quiet, pid)
    usage = _embedded.footprint(pid)
    return Snapshot(
        open_journeys=await _load.open_journeys(client),  # type: ignore[arg-type]
        worker_rss_mib=round(usage.rss_mib, 1),
        worker_pss_mib=round(usage.pss_mib, 1),
        temporal_db_mib=round(temporal_db_mib(stack), 1),
        load=_embedded.load(),
    )
