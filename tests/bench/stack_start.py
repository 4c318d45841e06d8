"""Benchmark: how long `make up` takes to be ready on a warm venv, idle and beside two busy CPU loops.

Each condition times, in the same run, the baseline first: the Temporal dev server and the broker alone until
both answer (what every stack waits for anyway); then `python -m deploy up` as an operator runs it, from the
command until it has written its endpoints (every process ready). Repeated BENCH_START_RUNS times (default 2);
the median is printed with its ratio to the baseline; saved under var/bench/ and docs/performance/.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from deploy.dev import components
from tests.bench import _embedded
from tests.infrastructure import stack_ports
from tests.running_stack import RunningStack

RUNS = int(os.environ.get("BENCH_START_RUNS", "2"))
CONDITIONS = {"idle": 0, "two busy CPU loops": 2}


def infrastructure_seconds() -> float:
    """The broker and the Temporal dev server (as the stack starts them) until both answer."""
    host = "127.0.0.1"
    ports = stack_ports()
    with tempfile.TemporaryDirectory(prefix="reemploy-bench-infra-") as directory:
        began = time.monotonic()
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        broker = components.broker_command(host, ports["broker"])
        temporal = components.temporal_command(
            host, ports["temporal"], ports["ui"], Path(directory) / "temporal.db"
        )
        with _embedded.started(broker, **quiet), _embedded.started(temporal, **quiet):
            components.wait_for_port(host, ports["broker"], timeout=600, what="the broker")
            asyncio.run(components.wait_for_temporal(f"{host}:{ports['temporal']}", timeout=600))
            return time.monotonic() - began


PHASES = {
    "infrastructure, topics and migrations": "log/intake.log",
    "processes ready": "endpoints.json",
}
"""Each phase of start-up ends when the stack writes its file: the first application process's log (the
migrations run while the broker and Temporal start), the endpoints (every process ready)."""


def stack_phases() -> dict[str, float]:
    """`deploy up` from the command until its endpoints are written, in phases (seconds each); then Ctrl-C."""
    os.environ.setdefault("REEMPLOY_STACK_READY_TIMEOUT_SECONDS", _embedded.READY_TIMEOUT_SECONDS)
    with tempfile.TemporaryDirectory(prefix="reemploy-bench-up-") as directory:
        stack = RunningStack(Path(directory), stack_ports())
        try:
            began = time.monotonic()
            process = stack.launch()
            ended: dict[str, float] = {}
            for phase, marker in PHASES.items():
                while not (stack.var_dir / marker).exists():
                    assert process.poll() is None, f"`deploy up` exited:\n{stack.output_tail()}"
                    time.sleep(0.05)
                ended[phase] = time.monotonic() - began
        finally:
            stack.close()
    previous = 0.0
    phases = {}
    for phase, at in ended.items():
        phases[phase], previous = at - previous, at
    return phases


@dataclass
class StartFigures:
    infrastructure_alone_seconds: float
    make_up_seconds: float
    ratio_to_infrastructure: float
    phases_seconds: dict[str, float]
    runs_seconds: list[float]
    load: list[str]


def measure(loops: int) -> StartFigures:
    baseline: list[float] = []
    runs: list[dict[str, float]] = []
    loads = []
    with _embedded.busy_loops(loops):
        for _ in range(RUNS):
            loads.append(_embedded.load())
            baseline.append(infrastructure_seconds())
            runs.append(stack_phases())
    totals = [sum(run.values()) for run in runs]
    median_run = runs[totals.index(statistics.median_low(totals))]
    return StartFigures(
        infrastructure_alone_seconds=round(statistics.median(baseline), 1),
        make_up_seconds=round(statistics.median(totals), 1),
        ratio_to_infrastructure=round(statistics.median(totals) / statistics.median(baseline), 1),
        phases_seconds={phase: round(seconds, 1) for phase, seconds in median_run.items()},
        runs_seconds=[round(each, 1) for each in totals],
        load=loads,
    )


def main() -> None:
    _embedded.stop_on_sigterm()
    results = {condition: measure(loops) for condition, loops in CONDITIONS.items()}
    sys.stdout.write(f"\n`make up` ready on a warm venv (median of {RUNS}; target ≤ 15 s)\n")
    for condition, f in results.items():
        sys.stdout.write(
            f"  {condition:<20} make up {f.make_up_seconds:5.1f} s"
            f"   broker + Temporal alone {f.infrastructure_alone_seconds:4.1f} s"
            f"   ratio {f.ratio_to_infrastructure:4.1f}   load {', '.join(f.load)}\n"
            f"    {'   '.join(f'{phase} {seconds:.1f} s' for phase, seconds in f.phases_seconds.items())}\n"
        )
    _embedded.save("stack_start", {"runs": RUNS, "results": {c: asdict(f) for c, f in results.items()}})


if __name__ == "__main__":
    main()
