"""`make up` always stops: nothing outlives a supervisor killed with SIGKILL or stopped while it starts, and a
second stack on the same data directory refuses instead of fighting over its ports and files."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import processes
from tests.infrastructure import stack_ports
from tests.running_stack import STOP_BOUND_SECONDS, RunningStack


@pytest.fixture
def stack(tmp_path: Path):
    running = RunningStack(tmp_path / "var", stack_ports())
    running.var_dir.mkdir()
    try:
        yield running
    finally:
        running.close()
        processes.end(processes.with_environment("REEMPLOY_STACK_VAR_DIR", str(running.var_dir)))


def stack_processes(stack: RunningStack) -> list[processes.Process]:
    return processes.with_environment("REEMPLOY_STACK_VAR_DIR", str(stack.var_dir))


def wait_until_none_left(stack: RunningStack) -> list[processes.Process]:
    """The stack's processes still alive once they had time to go (each one is reaped when it has)."""
    deadline = time.monotonic() + STOP_BOUND_SECONDS
    while (left := stack_processes(stack)) and time.monotonic() < deadline:
        for process in left:
            processes.gone(process.pid)
        time.sleep(0.2)
    return left


def test_a_second_stack_on_the_same_directory_refuses_and_a_killed_supervisor_leaves_nothing(stack):
    stack.start()
    assert len(stack_processes(stack)) > 5

    second = subprocess.run(
        [sys.executable, "-m", "deploy", "up"],
        env=stack.environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode != 0
    assert "another Reemploy stack" in second.stderr, second.stderr[-2000:]
    assert f"pid {stack.process.pid}" in second.stderr

    os.kill(stack.process.pid, signal.SIGKILL)
    stack.process.wait()
    left = wait_until_none_left(stack)
    assert not left, [process.command for process in left]


def test_sigterm_while_the_stack_starts_stops_every_process_it_had_started(stack):
    supervisor = stack.launch()
    deadline = time.monotonic() + STOP_BOUND_SECONDS * 5
    while len(processes.children_of(supervisor.pid)) < 3:
        assert supervisor.poll() is None, stack.output_tail()
        assert time.monotonic() < deadline, "the stack started no processes"
        time.sleep(0.05)

    supervisor.send_signal(signal.SIGTERM)
    supervisor.wait(timeout=STOP_BOUND_SECONDS)
    left = wait_until_none_left(stack)
    assert not left, [process.command for process in left]
