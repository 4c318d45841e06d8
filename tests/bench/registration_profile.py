"""Benchmark: where a registration's CPU goes, process by process, on the whole embedded stack.

Starts the stack as `make up` runs it, then samples every one of its processes with py-spy (100 Hz, Python and
native frames, waiting threads left out) during a burst of BENCH_PROFILE_BURST registrations (default 600).
For each process it prints the cores it used during the burst and its busy samples by layer (HTTP stack,
request dependencies and auth, SQLAlchemy, SQLite, Kafka client, Temporal SDK, JSON and validation, the event
loop, our own code), then the project functions that hold the most samples. The baseline is the whole stack's
CPU over the same seconds. The raw profiles stay in var/bench/profiles/ (one per process, py-spy's `raw`
format, readable by any flame-graph tool); the figures go to docs/performance/registration_profile.json.
"""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deploy.dev.stack import Stack
from services.common.temporal import connect
from tests.bench import _embedded, _load

BURST = int(os.environ.get("BENCH_PROFILE_BURST", "600"))
SAMPLES_PER_SECOND = 100
PROFILES = Path("var/bench/profiles")
WAITING = ("PyThread_acquire_lock_timed", "_queue_SimpleQueue_get", "epoll_wait", "epoll_pwait")
"""Frames, native or Python, of a thread that waits: py-spy's own idle filter lets some through."""
LAYERS = (
    ("temporalio/", "Temporal SDK"),
    ("aiokafka/", "Kafka client"),
    ("aiosqlite/", "SQLite (driver thread)"),
    ("asyncpg/", "PostgreSQL driver"),
    ("sqlalchemy/", "SQLAlchemy"),
    ("jwt/", "tokens (JWT, Ed25519)"),
    ("cryptography/", "tokens (JWT, Ed25519)"),
    ("pydantic", "JSON and validation"),
    ("json/", "JSON and validation"),
    ("orjson", "JSON and validation"),
    ("fastapi/dependencies", "request dependencies"),
    ("uvicorn/", "HTTP stack (uvicorn, Starlette, FastAPI)"),
    ("starlette/", "HTTP stack (uvicorn, Starlette, FastAPI)"),
    ("fastapi/", "HTTP stack (uvicorn, Starlette, FastAPI)"),
    ("services/", "our code"),
    ("workflows/", "our code"),
    ("contracts/", "our code"),
    ("asyncio/", "event loop"),
    ("uvloop/", "event loop"),
)
OUR_CODE = ("services/", "workflows/", "contracts/")
INFRASTRUCTURE = ("broker", "temporal")


@dataclass
class ProcessProfile:
    cores_during_burst: float
    busy_samples: int
    layers_percent: dict[str, float] = field(default_factory=dict)
    our_functions_percent: dict[str, float] = field(default_factory=dict)


def _frames(stack: str) -> list[str]:
    """`function (path/in/repo.py)` per frame of one py-spy raw line, outermost first."""
    frames = []
    for frame in stack.split(";"):
        name, _, where = frame.partition(" (")
        path = where.rsplit(":", 1)[0].split("site-packages/")[-1].split(f"{Path.cwd()}/")[-1]
        frames.append(f"{name} ({path})")
    return frames


def _layer(frames: list[str]) -> str:
    """The layer a sample belongs to: that of its innermost frame a layer claims."""
    for frame in reversed(frames):
        for marker, layer in LAYERS:
            if f"({marker}" in frame or f"/{marker}" in frame:
                return layer
    return "other"


def summarise(raw: Path, cores: float) -> ProcessProfile:
    layers: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    busy = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = _frames(stack)
        if not frames or any(frame.startswith(WAITING) for frame in frames):
            continue
        samples = int(count)
        busy += samples
        layers[_layer(frames)] += samples
        for frame in set(frames):
            if frame.split(" (")[1].startswith(OUR_CODE):
                ours[frame] += samples
    share = 100 / busy if busy else 0.0
    return ProcessProfile(
        cores_during_burst=round(cores, 2),
        busy_samples=busy,
        layers_percent={name: round(n * share, 1) for name, n in layers.most_common()},
        our_functions_percent={name: round(n * share, 1) for name, n in ours.most_common(8)},
    )


def _spies(processes: dict[str, int]) -> dict[str, subprocess.Popen[bytes]]:
    PROFILES.mkdir(parents=True, exist_ok=True)
    for stale in PROFILES.glob("*.txt"):
        stale.unlink()
    spy = str(Path(sys.executable).with_name("py-spy"))
    return {
        name: subprocess.Popen(
            [
                *(spy, "record", "--pid", str(pid), "--rate", str(SAMPLES_PER_SECOND), "--format", "raw"),
                *("--output", str(PROFILES / f"{name}.txt"), "--native"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in processes.items()
    }


@dataclass
class Burst:
    cases_per_second: float
    requests_per_second: float
    infrastructure_cores: dict[str, float]
    """The broker's and Temporal's cores during the burst (not sampled: neither is Python)."""
    load: str


async def profile(stack: Stack) -> tuple[Burst, dict[str, ProcessProfile]]:
    client = await connect(stack.temporal_address, "default")
    headers = await _load.warmed_up(stack, client)
    members = _embedded.members(stack)
    processes = {name: pid for name, pid in members.items() if name not in INFRASTRUCTURE}
    spies = _spies(processes)
    before = {name: _embedded.footprint(pid).cpu_seconds for name, pid in members.items()}
    began = time.monotonic()
    try:
        async with _load.intake_client(stack.endpoints["intake"], headers) as http:
            cases_rate, http_rate = await _load.burst(http, client, BURST)
        load = _embedded.load()
    finally:
        elapsed = time.monotonic() - began
        cores = {
            name: (_embedded.footprint(pid).cpu_seconds - used) / elapsed
            for name, pid in members.items()
            if (used := before[name]) is not None
        }
        for spy in spies.values():
            spy.send_signal(signal.SIGINT)
        for spy in spies.values():
            spy.wait(timeout=60)
    burst = Burst(
        cases_per_second=round(cases_rate, 1),
        requests_per_second=round(http_rate, 1),
        infrastructure_cores={name: round(cores[name], 2) for name in INFRASTRUCTURE if name in cores},
        load=load,
    )
    profiles = {
        name: summarise(PROFILES / f"{name}.txt", cores[name])
        for name in processes
        if (PROFILES / f"{name}.txt").exists()
    }
    return burst, profiles


def report(burst: Burst, profiles: dict[str, ProcessProfile]) -> str:
    rows = ["", f"Where a registration's CPU goes (burst of {BURST}, busy samples per process)"]
    total = sum(p.cores_during_burst for p in profiles.values())
    infrastructure = ", ".join(f"{name} {cores:.2f}" for name, cores in burst.infrastructure_cores.items())
    rows += [
        f"  {burst.cases_per_second:.1f} cases/s, {burst.requests_per_second:.1f} req/s, load {burst.load}",
        f"  our processes used {total:.2f} cores during the burst (the baseline of the shares below);"
        f" {infrastructure}",
    ]
    for name, p in sorted(profiles.items(), key=lambda item: -item[1].cores_during_burst):
        share_of_stack = 100 * p.cores_during_burst / total
        rows.append(f"  {name}: {p.cores_during_burst:.2f} cores ({share_of_stack:.0f} % of the stack's)")
        rows += [f"      {share:5.1f} %  {layer}" for layer, share in list(p.layers_percent.items())[:6]]
        functions = list(p.our_functions_percent.items())[:4]
        rows += [f"      {share:5.1f} %  in {function}" for function, share in functions]
    return "\n".join([*rows, ""])


def main() -> None:
    _embedded.stop_on_sigterm()
    with _embedded.embedded_stack() as stack:
        burst, profiles = asyncio.run(profile(stack))
    sys.stdout.write(report(burst, profiles))
    _embedded.save(
        "registration_profile",
        {
            "burst": BURST,
            "layout": _embedded.layout_name(stack),
            "command": "make bench (or: .venv/bin/python -m tests.bench.registration_profile)",
            "burst_figures": asdict(burst),
            "processes": {name: asdict(p) for name, p in profiles.items()},
        },
    )


if __name__ == "__main__":
    main()
