"""Benchmark: what the whole `make up` stack holds and burns while nothing happens.

Starts `python -m deploy up` as an operator runs it, lets it settle for BENCH_SETTLE_SECONDS (default 20)
after it is ready, then reads from /proc, for every process of the stack (the supervisor included): CPU over
BENCH_IDLE_SECONDS (default 30) in percent of one core, and resident memory (RSS, and PSS, which counts shared
pages once, so that it sums). The baseline is the broker and Temporal in the same stack: what the stack would
hold with no application at all. Saved under var/bench/ and docs/performance/idle_stack.json.
"""

import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from deploy.registry import hosted_service_names
from tests.bench import _embedded
from tests.infrastructure import stack_ports
from tests.running_stack import RunningStack

SETTLE_SECONDS = float(os.environ.get("BENCH_SETTLE_SECONDS", "20"))
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "30"))
INFRASTRUCTURE = ("broker", "temporal")


def label(pid: int) -> str:
    """A process by what it runs: `deploy host intake intake-relay`, `temporal server`, `broker`...; the
    services the compact layout hosts together by their APIs' names (`deploy host training placement …`)."""
    argv = (Path("/proc") / str(pid) / "cmdline").read_bytes().decode().split("\0")
    if "deploy" in argv:
        command = [name for name in argv[argv.index("deploy") + 1 :] if name]
        services = hosted_service_names(command)
        return "deploy " + " ".join(["host", *services] if len(services) > 1 else command)
    if argv[1:2] == ["broker"]:
        return "broker"
    return " ".join([Path(argv[0]).name, *argv[1:2]])


def stack_processes(supervisor: int) -> dict[str, int]:
    """The supervisor and every process below it, by label."""
    below = _embedded.tree(supervisor)[1:]
    return {"deploy up (supervisor)": supervisor} | {label(pid): pid for pid in below}


def is_infrastructure(name: str) -> bool:
    return name.split()[0] in INFRASTRUCTURE


@dataclass
class Usage:
    cpu_percent: float
    rss_mib: float
    pss_mib: float

    @staticmethod
    def summed(rows: list["Usage"]) -> "Usage":
        return Usage(*(round(sum(getattr(row, name) for row in rows), 1) for name in USAGE_FIELDS))


USAGE_FIELDS = ("cpu_percent", "rss_mib", "pss_mib")


@dataclass
class IdleFigures:
    idle_seconds: float
    load: str
    processes: dict[str, Usage]
    total: Usage
    infrastructure_alone: Usage


def measure() -> IdleFigures:
    os.environ.setdefault("REEMPLOY_STACK_READY_TIMEOUT_SECONDS", _embedded.READY_TIMEOUT_SECONDS)
    with tempfile.TemporaryDirectory(prefix="reemploy-bench-idle-") as directory:
        stack = RunningStack(Path(directory), stack_ports())
        try:
            stack.start()
            assert stack.process is not None
            time.sleep(SETTLE_SECONDS)
            load = _embedded.load()
            pids = stack_processes(stack.process.pid)
            cpu = _embedded.cpu_over(pids, IDLE_SECONDS)
            memory = {name: _embedded.footprint(pid) for name, pid in pids.items()}
        finally:
            stack.close()
    processes = {
        name: Usage(cpu[name], round(memory[name].rss_mib, 1), round(memory[name].pss_mib, 1))
        for name in sorted(pids, key=lambda name: -memory[name].pss_mib)
    }
    return IdleFigures(
        idle_seconds=IDLE_SECONDS,
        load=load,
        processes=processes,
        total=Usage.summed(list(processes.values())),
        infrastructure_alone=Usage.summed(
            [row for name, row in processes.items() if is_infrastructure(name)]
        ),
    )


def report(f: IdleFigures) -> str:
    width = max(len(name) for name in f.processes)

    def row(name: str, usage: Usage) -> str:
        return f"  {name.ljust(width)}  {usage.cpu_percent:6.2f}  {usage.rss_mib:8.1f}  {usage.pss_mib:8.1f}"

    return "\n".join(
        [
            f"\nThe idle stack: {len(f.processes)} processes,"
            f" CPU over {f.idle_seconds:.0f} s (load {f.load})",
            f"  {'process'.ljust(width)}   CPU %   RSS MiB   PSS MiB",
            *(row(name, usage) for name, usage in f.processes.items()),
            row("whole stack", f.total),
            row("broker + Temporal", f.infrastructure_alone),
            f"  ratio of the whole stack to broker + Temporal: PSS"
            f" {f.total.pss_mib / f.infrastructure_alone.pss_mib:.1f},"
            f" CPU {f.total.cpu_percent / max(f.infrastructure_alone.cpu_percent, 0.01):.1f}",
            "",
        ]
    )


def main() -> None:
    _embedded.stop_on_sigterm()
    figures = measure()
    sys.stdout.write(report(figures))
    _embedded.save("idle_stack", asdict(figures))


if __name__ == "__main__":
    main()
