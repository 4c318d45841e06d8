"""Benchmark: what 10,000 open journeys cost the worker's memory and Temporal's database.

On the whole embedded stack (its default layout), in a temporary directory: after a warm-up, measures the idle
baseline (the resident memory of the process that hosts the Temporal worker, and the size of Temporal's SQLite
database with its WAL); registers `--journeys` workers (default BENCH_JOURNEYS or 10,000) over HTTP, waits
until each one's journey runs and the worker is quiet again, and measures the same figures. Prints them with
their ratio to the baseline and the cost per journey; saved under var/bench/ and docs/performance/.
"""

import argparse
import asyncio
import os
import sys
import time
from dataclasses import asdict, dataclass

from deploy.dev.stack import Stack
from services.common.temporal import connect
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


async def measure(stack: Stack, journeys: int) -> JourneyFigures:
    client = await connect(stack.temporal_address, "default")
    headers = await _load.warmed_up(stack, client)
    process = _embedded.member_running(stack, "worker")
    pid = _embedded.members(stack)[process]
    baseline = await snapshot(stack, client, pid)
    async with _load.intake_client(stack.endpoints["intake"], headers) as http:
        sent, rate = await _load.post_many(http, journeys)
    await _load.journey_start_times(client, set(sent), timeout=QUIET_BOUND_SECONDS + journeys / 10)
    loaded = await snapshot(stack, client, pid)
    added = max(1, loaded.open_journeys - baseline.open_journeys)
    return JourneyFigures(
        layout=_embedded.layout_name(stack),
        worker_process=process,
        journeys=journeys,
        registrations_per_second=round(rate, 1),
        baseline=baseline,
        loaded=loaded,
        worker_rss_ratio=round(loaded.worker_rss_mib / baseline.worker_rss_mib, 2),
        temporal_db_ratio=round(loaded.temporal_db_mib / max(baseline.temporal_db_mib, 0.1), 2),
        worker_kib_per_journey=round(1024 * (loaded.worker_rss_mib - baseline.worker_rss_mib) / added, 2),
        temporal_db_kib_per_journey=round(
            1024 * (loaded.temporal_db_mib - baseline.temporal_db_mib) / added, 2
        ),
    )


def report(figures: JourneyFigures) -> str:
    f = figures
    return "\n".join(
        [
            "",
            f"{f.journeys} open journeys ({f.layout} layout; worker in `{f.worker_process}`)",
            f"  worker RSS      {f.baseline.worker_rss_mib:8.1f} MiB → {f.loaded.worker_rss_mib:8.1f} MiB"
            f"  (ratio {f.worker_rss_ratio:.2f}; {f.worker_kib_per_journey:.2f} KiB a journey)",
            f"  Temporal's DB   {f.baseline.temporal_db_mib:8.1f} MiB → {f.loaded.temporal_db_mib:8.1f} MiB"
            f"  (ratio {f.temporal_db_ratio:.2f}; {f.temporal_db_kib_per_journey:.2f} KiB a journey)",
            f"  registered at {f.registrations_per_second:.1f}/s; load {f.loaded.load}",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, default=int(os.environ.get("BENCH_JOURNEYS", "10000")))
    journeys = parser.parse_args().journeys
    _embedded.stop_on_sigterm()
    with _embedded.embedded_stack() as stack:
        figures = asyncio.run(measure(stack, journeys))
    sys.stdout.write(report(figures))
    _embedded.save("open_journeys", asdict(figures))


if __name__ == "__main__":
    main()
