"""What the stack benchmarks share: an embedded stack on free ports, its processes as /proc sees them,
CPU loops beside it, and where figures are saved.

Written against what both the split and the compact stack have (`Stack`, `StackSettings`, `Stack.processes`),
so that the same benchmark runs on an older checkout for a before/after comparison.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from deploy.dev.lifelines import tied_to_this_process
from deploy.dev.stack import Stack, StackSettings
from tests.infrastructure import stack_ports

ROOT = Path(__file__).resolve().parents[2]
RUNS = ROOT / "var" / "bench"
RECORDS = ROOT / "docs" / "performance"
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT_SECONDS = "900"
"""A busy machine can take minutes; the bench waits as long as the stack lives rather than fail."""


def stop_on_sigterm() -> None:
    """SIGTERM ends a benchmark as Ctrl-C does, through its `finally` blocks, so that it stops what it
    started."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def stack_settings(var_dir: Path) -> StackSettings:
    os.environ.setdefault("REEMPLOY_STACK_READY_TIMEOUT_SECONDS", READY_TIMEOUT_SECONDS)
    ports = stack_ports()
    return StackSettings(
        var_dir=var_dir,
        broker_port=ports["broker"],
        temporal_port=ports["temporal"],
        temporal_ui_port=ports["ui"],
        first_service_port=ports["service"],
        first_ops_port=ports["ops"],
    )


@contextmanager
def embedded_stack() -> Iterator[Stack]:
    """The whole stack as `make up` plans it (its default layout), in a temporary directory; stopped on
    every outcome."""
    with tempfile.TemporaryDirectory(prefix="reemploy-bench-") as directory:
        stack = Stack(stack_settings(Path(directory)))
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()


@contextmanager
def apis_alone(names: list[str]) -> Iterator[dict[str, str]]:
    """Only these services' HTTP APIs (no relay, consumer, broker or Temporal), each in its own process with
    the environment the stack's plan gives it, on a fresh database; their base URLs by name."""
    with tempfile.TemporaryDirectory(prefix="reemploy-bench-alone-") as directory, ExitStack() as running:
        stack = Stack(stack_settings(Path(directory)))
        plan = stack.plan()
        (stack.var_dir / "log").mkdir(parents=True)
        for name in names:
            env = os.environ | next(spec.env for spec in plan if name in spec.argv)
            log = running.enter_context((stack.log_dir / f"{name}.log").open("ab"))
            deploy = [sys.executable, "-m", "deploy"]
            subprocess.run([*deploy, "migrate", name], env=env, stdout=log, stderr=log, check=True)
            process = running.enter_context(
                started([*deploy, "serve", name], env=env, stdout=log, stderr=log)
            )
            with httpx.Client(timeout=2) as http:
                _wait_ready(http, f"{stack.endpoints[name]}/healthz", process)
        yield {name: stack.endpoints[name] for name in names}


def _wait_ready(http: httpx.Client, url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + float(READY_TIMEOUT_SECONDS)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited with {process.returncode}")
        try:
            if http.get(url).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not ready within {READY_TIMEOUT_SECONDS} s")


def members(stack: Stack) -> dict[str, int]:
    """The stack's processes by name (as its plan names them) and pid."""
    return {member.spec.name: member.process.pid for member in stack.processes if member.process is not None}


def member_running(stack: Stack, component: str) -> str:
    """The name of the stack process that hosts `component` (its own in the split layout)."""
    for member in stack.processes:
        if component in member.spec.argv[3:]:
            return member.spec.name
    raise LookupError(f"no process of the stack runs {component}")


def layout_name(stack: Stack) -> str:
    return str(getattr(stack.settings, "layout", "split"))


def _children_by_parent() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        found.setdefault(int(stat[stat.rindex(")") + 2 :].split()[1]), []).append(int(entry.name))
    return found


def tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    below = _children_by_parent()
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        waiting += below.get(current, [])
    return found


def _cpu_seconds(pid: int) -> float:
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def _memory_kib(pid: int) -> tuple[int, int]:
    """Resident and proportional set size (RSS, PSS) in KiB; shared pages count once in the PSS sum."""
    try:
        rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    sizes = {line.split(":")[0]: int(line.split()[1]) for line in rollup[1:] if line.endswith("kB")}
    return sizes.get("Rss", 0), sizes.get("Pss", 0)


@dataclass
class Footprint:
    rss_mib: float
    pss_mib: float
    cpu_seconds: float


def footprint(pid: int) -> Footprint:
    """Memory now and CPU used so far by one process (all its threads)."""
    rss, pss = _memory_kib(pid)
    return Footprint(rss_mib=rss / 1024, pss_mib=pss / 1024, cpu_seconds=_cpu_seconds(pid))


def cpu_over(pids: dict[str, int], seconds: float) -> dict[str, float]:
    """Each process's CPU use, in percent of one core, over the next `seconds`."""
    before = {name: footprint(pid).cpu_seconds for name, pid in pids.items()}
    began = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - began
    return {
        name: round(100 * (footprint(pid).cpu_seconds - before[name]) / elapsed, 2)
        for name, pid in pids.items()
    }


def load() -> str:
    """The machine's load average (1, 5, 15 minutes), recorded next to every figure."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"


def save(name: str, document: dict[str, object]) -> Path:
    """Write a run's figures to var/bench/NAME.json and docs/performance/NAME.json (the committed record)."""
    document = document | {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    for folder in (RUNS, RECORDS):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.json").write_text(text)
    sys.stdout.write(f"Figures saved to {RUNS / name}.json and {RECORDS / name}.json\n")
    return RUNS / f"{name}.json"


@contextmanager
def started(argv: list[str], **popen: object) -> Iterator[subprocess.Popen[bytes]]:
    """A child in a session of its own, killed with its whole group on every outcome (and by the kernel if
    this process dies first)."""
    process = subprocess.Popen(  # type: ignore[call-overload]
        argv, start_new_session=True, preexec_fn=tied_to_this_process(), **popen
    )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def busy_loops(count: int) -> Iterator[None]:
    """`count` processes that spin a core each, as other work on the machine would."""
    spin = [sys.executable, "-c", "while True: pass"]
    with ExitStack() as loops:
        for _ in range(count):
            loops.enter_context(started(spin, stdout=subprocess.DEVNULL))
        yield
