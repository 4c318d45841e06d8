"""Benchmark: registrations over HTTP to a running journey, against the raw Temporal start rate.

Runs the whole embedded stack (as `make up` does) in a temporary directory, then measures in one run:
1. raw: how fast the same Temporal dev server starts the journey workflow when called directly
   (the bridge's own signal-with-start call, at the same concurrency);
2. burst: POST /workers as fast as the API takes them; cases/s until every journey is running;
3. steady: POSTs at half the burst rate; latency from POST to journey start (p50/p95/p99).
Prints the figures, the ratio to the raw rate, and writes them to docs/performance/registrations.json.
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select
from temporalio.client import Client

from contracts.ids import uuid7
from contracts.journey import EVENT_SIGNAL, TASK_QUEUE, WORKFLOW_NAME, JourneyEvent, JourneyInput
from deploy.dev.stack import Stack, StackSettings
from services.common.db import create_engine
from services.common.temporal import connect
from services.intake.models import outbox
from tests.factories import NETWORK, registration
from tests.infrastructure import stack_ports
from tests.operator import operator_headers

RESULTS = Path(__file__).resolve().parents[2] / "docs" / "performance" / "registrations.json"
BURST = int(os.environ.get("BENCH_BURST", "1000"))
RAW = int(os.environ.get("BENCH_RAW", "1000"))
STEADY_SECONDS = float(os.environ.get("BENCH_STEADY_SECONDS", "20"))
CONCURRENCY = 32


@dataclass
class Figures:
    raw_starts_per_second: float
    burst_cases_per_second: float
    burst_ratio_to_raw: float
    burst_http_requests_per_second: float
    steady_rate_per_second: float
    steady_cases: int
    steady_p50_ms: float
    steady_p95_ms: float
    steady_p99_ms: float
    steady_hops_p50_p99_ms: dict[str, list[float]]
    measured_at: str
    machine: str


async def raw_start_rate(client: Client, count: int) -> float:
    slots = asyncio.Semaphore(CONCURRENCY)
    batch = uuid7().hex[:8]

    async def start(index: int) -> None:
        case_id = f"bench-raw-{batch}-{index}"
        async with slots:
            await client.start_workflow(
                WORKFLOW_NAME,
                JourneyInput(case_id=case_id),
                id=f"journey-{case_id}",
                task_queue=TASK_QUEUE,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[
                    JourneyEvent(
                        event_id=str(uuid7()),
                        event_type="bench.raw.v1",
                        occurred_at=datetime.now(UTC),
                        data={},
                    )
                ],
            )

    started = time.perf_counter()
    await asyncio.gather(*(start(i) for i in range(count)))
    return count / (time.perf_counter() - started)


async def journey_start_times(client: Client, case_ids: set[str], *, timeout: float) -> dict[str, datetime]:
    """Wait until every case has a journey; return each journey's start time (from Temporal's visibility)."""
    deadline = time.monotonic() + timeout
    found: dict[str, datetime] = {}
    since = min(case_ids)
    while time.monotonic() < deadline:
        query = f"WorkflowType = '{WORKFLOW_NAME}' AND WorkflowId >= 'journey-{since}'"
        async for execution in client.list_workflows(query):
            case_id = execution.id.removeprefix("journey-")
            if case_id in case_ids:
                found[case_id] = execution.start_time
        if len(found) == len(case_ids):
            return found
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{len(case_ids) - len(found)} of {len(case_ids)} journeys missing after {timeout} s")


async def post(http: httpx.AsyncClient, sent: dict[str, datetime]) -> None:
    at = datetime.now(UTC)
    response = await http.post("/workers", json=registration())
    response.raise_for_status()
    sent[response.json()["case_id"]] = at


async def burst(http: httpx.AsyncClient, client: Client, count: int) -> tuple[float, float]:
    sent: dict[str, datetime] = {}
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with slots:
            await post(http, sent)

    began = datetime.now(UTC)
    await asyncio.gather(*(one() for _ in range(count)))
    http_seconds = (datetime.now(UTC) - began).total_seconds()
    starts = await journey_start_times(client, set(sent), timeout=300)
    seconds = (max(starts.values()) - began).total_seconds()
    return count / seconds, count / http_seconds


@dataclass
class Stages:
    """Per-case milliseconds of each hop, from the outbox's own timestamps."""

    to_commit: list[float]
    to_published: list[float]
    to_journey: list[float]


async def stages(database_url: str, sent: dict[str, datetime], starts: dict[str, datetime]) -> Stages:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(outbox.c.message_key, outbox.c.created_at, outbox.c.published_at).where(
                    outbox.c.message_key.in_(list(sent))
                )
            )
        ).all()
    await engine.dispose()
    result = Stages([], [], [])
    for case_id, created, published in rows:
        result.to_commit.append((created - sent[case_id]).total_seconds() * 1000)
        result.to_published.append((published - created).total_seconds() * 1000)
        result.to_journey.append((starts[case_id] - published).total_seconds() * 1000)
    for values in (result.to_commit, result.to_published, result.to_journey):
        values.sort()
    return result


async def steady(
    http: httpx.AsyncClient, client: Client, rate: float, seconds: float, database_url: str
) -> tuple[list[float], Stages]:
    sent: dict[str, datetime] = {}
    interval = 1.0 / rate
    pending = []
    began = time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = began + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(post(http, sent)))
    await asyncio.gather(*pending)
    starts = await journey_start_times(client, set(sent), timeout=300)
    latencies = sorted((starts[case] - sent[case]).total_seconds() * 1000 for case in sent)
    return latencies, await stages(database_url, sent, starts)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


async def measure(stack: Stack) -> Figures:
    client = await connect(stack.temporal_address, "default")
    operator = await asyncio.to_thread(operator_headers, stack.endpoints["identity"])

    def http() -> httpx.AsyncClient:
        limits = httpx.Limits(max_connections=CONCURRENCY * 2)
        return httpx.AsyncClient(
            base_url=stack.endpoints["intake"], limits=limits, timeout=30, headers=operator
        )

    async with http() as warm_up:
        for path, body in NETWORK:
            (await warm_up.post(path, json=body)).raise_for_status()
        await burst(warm_up, client, 50)
    raw = await raw_start_rate(client, RAW)
    async with http() as burst_client:
        burst_rate, http_rate = await burst(burst_client, client, BURST)
    steady_rate = burst_rate / 2
    async with http() as steady_client:
        latencies, hops = await steady(
            steady_client, client, steady_rate, STEADY_SECONDS, stack.database_url("intake")
        )
    return Figures(
        raw_starts_per_second=round(raw, 1),
        burst_cases_per_second=round(burst_rate, 1),
        burst_ratio_to_raw=round(burst_rate / raw, 2),
        burst_http_requests_per_second=round(http_rate, 1),
        steady_rate_per_second=round(steady_rate, 1),
        steady_cases=len(latencies),
        steady_p50_ms=round(statistics.median(latencies), 1),
        steady_p95_ms=round(percentile(latencies, 0.95), 1),
        steady_p99_ms=round(percentile(latencies, 0.99), 1),
        steady_hops_p50_p99_ms={
            name: [round(percentile(values, 0.5), 1), round(percentile(values, 0.99), 1)]
            for name, values in asdict(hops).items()
        },
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
    )


def report(figures: Figures) -> str:
    f = figures
    ratio_verdict = "meets" if f.burst_ratio_to_raw >= 0.5 else "MISSES"
    p99_verdict = "meets" if f.steady_p99_ms <= 1000 else "MISSES"
    rows = [
        "",
        "Registrations → running journey (embedded stack)",
        f"  raw Temporal starts (direct signal-with-start)  {f.raw_starts_per_second:7.1f} /s",
        f"  end-to-end burst of {BURST:<5}                   {f.burst_cases_per_second:7.1f} cases/s",
        f"    ratio to raw {f.burst_ratio_to_raw:.2f} ({ratio_verdict} the 0.5 target)",
        f"    HTTP intake alone                           {f.burst_http_requests_per_second:7.1f} req/s",
        f"  steady at half the burst rate                 {f.steady_rate_per_second:7.1f} cases/s",
        f"    POST → journey running: p50 {f.steady_p50_ms:.0f} ms, p95 {f.steady_p95_ms:.0f} ms, "
        f"p99 {f.steady_p99_ms:.0f} ms ({p99_verdict} p99 ≤ 1 s)",
    ]
    rows += [
        f"      {hop:<14} p50 {p50:5.0f} ms  p99 {p99:5.0f} ms"
        for hop, (p50, p99) in f.steady_hops_p50_p99_ms.items()
    ]
    return "\n".join([*rows, ""])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reemploy-bench-") as directory:
        ports = stack_ports()
        settings = StackSettings(
            var_dir=Path(directory),
            broker_port=ports["broker"],
            temporal_port=ports["temporal"],
            temporal_ui_port=ports["ui"],
            first_service_port=ports["service"],
            first_ops_port=ports["ops"],
        )
        stack = Stack(settings)
        try:
            stack.start()
            figures = asyncio.run(measure(stack))
        finally:
            stack.stop()
    sys.stdout.write(report(figures))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    sys.stdout.write(f"Figures saved to {RESULTS}\n")


if __name__ == "__main__":
    main()
