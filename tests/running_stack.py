"""`make up` as an operator runs it, in a test: on free ports and a directory of the test's own.

Whatever happens in the test, `close` leaves nothing running: Ctrl-C first, then SIGKILL of the supervisor,
whose children die with it (they are tied to it by the parent-death signal).
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deploy.dev.lifelines import tied_to_this_process
from tests import processes
from tests.infrastructure import stack_ports

START_BOUND_SECONDS = 900.0
"""Generous: start-up is waited for while the supervisor lives; it reports a process that died itself."""
STOP_BOUND_SECONDS = 60.0


class RunningStack:
    def __init__(self, var_dir: Path, ports: dict[str, int], layout: str = "compact") -> None:
        self.var_dir = var_dir
        self.ports = ports
        self.layout = layout
        self.process: subprocess.Popen[bytes] | None = None
        self.children: list[int] = []

    def environment(self) -> dict[str, str]:
        return os.environ | {
            "REEMPLOY_STACK_VAR_DIR": str(self.var_dir),
            "REEMPLOY_STACK_BROKER_PORT": str(self.ports["broker"]),
            "REEMPLOY_STACK_TEMPORAL_PORT": str(self.ports["temporal"]),
            "REEMPLOY_STACK_TEMPORAL_UI_PORT": str(self.ports["ui"]),
            "REEMPLOY_STACK_FIRST_SERVICE_PORT": str(self.ports["service"]),
            "REEMPLOY_STACK_FIRST_OPS_PORT": str(self.ports["ops"]),
            "REEMPLOY_STACK_LAYOUT": self.layout,
        }

    def launch(self) -> subprocess.Popen[bytes]:
        """Start `deploy up` without waiting for it."""
        (self.var_dir / "endpoints.json").unlink(missing_ok=True)
        self.output = (self.var_dir / "stack-output.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deploy", "up"],
            env=self.environment(),
            stdout=self.output,
            stderr=subprocess.STDOUT,
            preexec_fn=tied_to_this_process(),
        )
        return self.process

    def start(self) -> dict[str, str]:
        """Start the stack and wait, while its supervisor lives, until it says where everything is."""
        process = self.launch()
        endpoints_file = self.var_dir / "endpoints.json"
        deadline = time.monotonic() + START_BOUND_SECONDS
        while not endpoints_file.exists():
            assert process.poll() is None, f"`deploy up` exited {process.returncode}:\n{self.output_tail()}"
            assert time.monotonic() < deadline, f"the stack did not come up:\n{self.output_tail()}"
            time.sleep(0.2)
        self.children = [child.pid for child in processes.children_of(process.pid)]
        endpoints: dict[str, str] = json.loads(endpoints_file.read_text())
        return endpoints

    def output_tail(self, characters: int = 3000) -> str:
        return (self.var_dir / "stack-output.log").read_text(errors="replace")[-characters:]

    def interrupt(self, *, times: int = 1) -> int:
        """Ctrl-C, pressed `times` times (an impatient operator presses it again while the stack stops)."""
        assert self.process is not None
        for press in range(times):
            if press:
                time.sleep(0.5)
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=STOP_BOUND_SECONDS)
        self.output.close()
        return code

    def children_left(self) -> list[int]:
        """The stack's children, as they were when it came up, that are still alive."""
        return [pid for pid in self.children if not processes.gone(pid)]

    def close(self) -> None:
        """End the stack on any outcome of the test."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_BOUND_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output.close()


@contextmanager
def fresh_stack(var_dir: Path, layout: str) -> Iterator[RunningStack]:
    """A stack (not yet started) on free ports with an empty data directory, closed on every outcome."""
    running = RunningStack(var_dir, stack_ports(), layout=layout)
    running.var_dir.mkdir()
    try:
        yield running
    finally:
        running.close()
