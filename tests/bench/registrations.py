"""Benchmark: registrations over HTTP to a running journey, against the raw Temporal start rate.

Measures in one run, each next to its baseline:
1. intake alone: `POST /workers` per second on intake's API with nothing else running but identity
   (the baseline of the stack's request rate);
2. then on the whole embedded stack as `make up` runs it (its default layout), in a temporary directory:
   raw: how fast the same Temporal dev server starts the journey workflow when called directly
   (the bridge's own signal-with-start call, at the same concurrency);
3. burst: POST /workers as fast as the API takes them; cases/s until every journey is running (ratio to raw),
   and the requests per second intake answered meanwhile (ratio to intake alone);
4. steady: POSTs at half the burst rate; latency from POST to journey start (p50/p95/p99) and its hops;
5. assigned burst: the same burst once the community has assistants with room, so every registration is also
   assigned (two events, as in a district with its labour assistants): cases/s (ratio to raw) and requests/s.
Prints the figures and saves them (var/bench/ and docs/performance/registrations.json).
"""

import asyncio
import os
import statistics
import sys
from dataclasses import asdict, dataclass

from deploy.dev.stack import Stack
from services.common.temporal import connect
from tests.bench import _embedded, _load

BURST = int(os.environ.get("BENCH_BURST", "1000"))
RAW = int(os.environ.get("BENCH_RAW", "1000"))
STEADY_SECONDS = float(os.environ.get("BENCH_STEADY_SECONDS", "20"))
ASSISTANTS = 30


@dataclass
class Figures:
    layout: str
    intake_alone_requests_per_second: float
    raw_starts_per_second: float
    burst_cases_per_second: float
    burst_ratio_to_raw: float
    burst_http_requests_per_second: float
    http_ratio_to_intake_alone: float
    steady_rate_per_second: float
    steady_cases: int
    steady_p50_ms: float
    steady_p95_ms: float
    steady_p99_ms: float
    steady_hops_p50_p99_ms: dict[str, list[float]]
    assigned_burst_cases_per_second: float
    assigned_burst_ratio_to_raw: float
    assigned_burst_http_requests_per_second: float
    load: dict[str, str]


async def intake_alone_rate(urls: dict[str, str]) -> float:
    headers = await _load.operator(urls["identity"])
    async with _load.intake_client(urls["intake"], headers) as http:
        await _load.add_network(http)
        await _load.post_many(http, 50)
        _, rate = await _load.post_many(http, BURST)
    return rate


async def measure(stack: Stack, intake_alone: float, load: dict[str, str]) -> Figures:
    client = await connect(stack.temporal_address, "default")
    headers = await _load.warmed_up(stack, client)
    load["raw"] = _embedded.load()
    raw = await _load.raw_start_rate(client, RAW)
    load["burst"] = _embedded.load()
    async with _load.intake_client(stack.endpoints["intake"], headers) as http:
        burst_rate, http_rate = await _load.burst(http, client, BURST)
    steady_rate = burst_rate / 2
    load["steady"] = _embedded.load()
    async with _load.intake_client(stack.endpoints["intake"], headers) as http:
        latencies, hops = await _load.steady(
            http, client, steady_rate, STEADY_SECONDS, stack.database_url("intake")
        )
    async with _load.intake_client(stack.endpoints["intake"], headers) as http:
        await _load.add_assistants(http, ASSISTANTS, capacity=-(-BURST // ASSISTANTS))
        load["assigned burst"] = _embedded.load()
        assigned_rate, assigned_http_rate = await _load.burst(http, client, BURST)
    return Figures(
        layout=_embedded.layout_name(stack),
        intake_alone_requests_per_second=round(intake_alone, 1),
        raw_starts_per_second=round(raw, 1),
        burst_cases_per_second=round(burst_rate, 1),
        burst_ratio_to_raw=round(burst_rate / raw, 2),
        burst_http_requests_per_second=round(http_rate, 1),
        http_ratio_to_intake_alone=round(http_rate / intake_alone, 2),
        steady_rate_per_second=round(steady_rate, 1),
        steady_cases=len(latencies),
        steady_p50_ms=round(statistics.median(latencies), 1),
        steady_p95_ms=round(_load.percentile(latencies, 0.95), 1),
        steady_p99_ms=round(_load.percentile(latencies, 0.99), 1),
        steady_hops_p50_p99_ms={
            name: [round(_load.percentile(values, 0.5), 1), round(_load.percentile(values, 0.99), 1)]
            for name, values in asdict(hops).items()
        },
        assigned_burst_cases_per_second=round(assigned_rate, 1),
        assigned_burst_ratio_to_raw=round(assigned_rate / raw, 2),
        assigned_burst_http_requests_per_second=round(assigned_http_rate, 1),
        load=load,
    )


def report(figures: Figures) -> str:
    f = figures

    def verdict(met: bool) -> str:
        return "meets" if met else "MISSES"

    rows = [
        "",
        f"Registrations → running journey (embedded stack, {f.layout} layout)",
        f"  intake alone (identity beside it)               {f.intake_alone_requests_per_second:7.1f} req/s"
        f"   load {f.load['intake alone']}",
        f"  raw Temporal starts (direct signal-with-start)  {f.raw_starts_per_second:7.1f} /s"
        f"      load {f.load['raw']}",
        f"  end-to-end burst of {BURST:<5}                   {f.burst_cases_per_second:7.1f} cases/s"
        f" load {f.load['burst']}",
        f"    ratio to raw {f.burst_ratio_to_raw:.2f}"
        f" ({verdict(f.burst_ratio_to_raw >= 0.5)} the 0.5 target)",
        f"    HTTP intake on the whole stack              {f.burst_http_requests_per_second:7.1f} req/s"
        f" (ratio to intake alone {f.http_ratio_to_intake_alone:.2f};"
        f" {verdict(f.burst_http_requests_per_second >= 300)} the 300 req/s target)",
        f"  steady at half the burst rate                 {f.steady_rate_per_second:7.1f} cases/s"
        f" load {f.load['steady']}",
        f"    POST → journey running: p50 {f.steady_p50_ms:.0f} ms, p95 {f.steady_p95_ms:.0f} ms, "
        f"p99 {f.steady_p99_ms:.0f} ms ({verdict(f.steady_p99_ms <= 1000)} p99 ≤ 1 s)",
    ]
    rows += [
        f"      {hop:<14} p50 {p50:5.0f} ms  p99 {p99:5.0f} ms"
        for hop, (p50, p99) in f.steady_hops_p50_p99_ms.items()
    ]
    assigned_ratio, assigned_http = f.assigned_burst_ratio_to_raw, f.assigned_burst_http_requests_per_second
    rows += [
        f"  the burst again, each case assigned           {f.assigned_burst_cases_per_second:7.1f} cases/s"
        f" load {f.load['assigned burst']}",
        f"    ratio to raw {assigned_ratio:.2f} ({verdict(assigned_ratio >= 0.5)} the 0.5 target)",
        f"    HTTP intake on the whole stack              {assigned_http:7.1f} req/s"
        f" ({verdict(assigned_http >= 300)} the 300 req/s target)",
    ]
    return "\n".join([*rows, ""])


def main() -> None:
    _embedded.stop_on_sigterm()
    load = {"intake alone": _embedded.load()}
    with _embedded.apis_alone(["identity", "intake"]) as urls:
        intake_alone = asyncio.run(intake_alone_rate(urls))
    with _embedded.embedded_stack() as stack:
        figures = asyncio.run(measure(stack, intake_alone, load))
    sys.stdout.write(report(figures))
    _embedded.save("registrations", asdict(figures))


if __name__ == "__main__":
    main()
