"""A stop asked for while the supervisor starts a child is held until the child is started, never lost, and
the child itself can still be stopped."""

import os
import signal
import subprocess
from pathlib import Path

from deploy.dev.lifelines import stop_signals_held, tied_to_this_process


def blocked_signals(pid: int) -> int:
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            return int(line.split()[1], 16)
    raise LookupError("no SigBlk line")


def test_a_sigterm_during_the_block_is_handled_when_it_ends():
    handled: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, _frame: handled.append(signum))
    try:
        with stop_signals_held():
            os.kill(os.getpid(), signal.SIGTERM)
            assert handled == []
        assert handled == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_child_started_while_the_signals_are_held_does_not_inherit_them_held():
    with stop_signals_held():
        child = subprocess.Popen(["sleep", "60"], preexec_fn=tied_to_this_process())
    try:
        stop_bits = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
        assert blocked_signals(child.pid) & stop_bits == 0
        child.terminate()
        assert child.wait(timeout=60) == -signal.SIGTERM
    finally:
        child.kill()
        child.wait()
