"""Faults dealt to a running stack's processes, and how long the stack took to come back from each.

A fault names the part it hits; in the compact layout the process that hosts that part goes down with every
part it hosts (killing intake's relay kills intake's API too), which is what would happen in production.
"""

import os
import signal
import statistics
from dataclasses import dataclass

from tests import processes
from tests.chaos.siege import Attempt
from tests.running_stack import RunningStack


@dataclass(frozen=True)
class Fault:
    part: str
    """`broker`, `temporal`, or a component of deploy/registry.py (`intake-relay`, `bridge`, `worker`, …)."""
    pause_seconds: float = 0.0
    """Above zero: the part is stopped (SIGSTOP) this long and continued, instead of killed."""

    @property
    def title(self) -> str:
        return f"pause {self.part} {self.pause_seconds:g} s" if self.pause_seconds else f"kill -9 {self.part}"


EVERY_PART = (
    Fault("broker"),
    Fault("intake-relay"),
    Fault("bridge"),
    Fault("console-consumer"),
    Fault("worker"),
    Fault("temporal"),
    Fault("broker", pause_seconds=10.0),
)


@dataclass
class Phase:
    fault: Fault
    started_at: float
    """When the fault was dealt (monotonic clock)."""
    reference_at: float
    """What the recovery is counted from: the kill, or the end of a pause."""
    ended_at: float = 0.0
    recovery_seconds: float | None = None
    failed_requests: int = 0
    registrations: int = 0
    worst_latency: float | None = None


def process_hosting(stack: RunningStack, part: str) -> processes.Process:
    """The live child of the stack's supervisor that runs `part`."""
    assert stack.process is not None
    for child in processes.children_of(stack.process.pid):
        words = child.command.split()
        hosted = words[words.index("host") + 1 :] if "host" in words else []
        if (
            part in hosted
            or (part == "broker" and "broker" in words and "--storage-engine" in words)
            or (part == "temporal" and "start-dev" in words)
        ) and child.alive:
            return child
    raise AssertionError(f"no process of the stack hosts {part}")


def signal_part(stack: RunningStack, part: str, signum: signal.Signals) -> int:
    pid = process_hosting(stack, part).pid
    os.kill(pid, signum)
    return pid


def normal_latency(baseline: list[Attempt]) -> float:
    """What counts as normal: twice the 99th percentile before any fault, and never under a second."""
    latencies = sorted(attempt.latency for attempt in baseline if attempt.latency is not None)
    assert len(latencies) >= 10, "too few journeys ran before the first fault to know what normal is"
    return max(1.0, 2 * statistics.quantiles(latencies, n=100)[98])


def assess(phase: Phase, attempts: list[Attempt], normal: float, *, last: bool) -> None:
    """The recovery: from the fault (or the end of the pause) to the last trouble it caused — a failed
    request, or a journey that ran later than normal, among the registrations sent during the phase or
    still waiting when it began. A journey still on its way when the next fault is dealt is that fault's
    (it is among those the next phase finds waiting), unless this is the last phase."""
    troubles: list[float] = []
    sent = [a for a in attempts if phase.started_at <= a.sent_at < phase.ended_at]
    during = [
        a
        for a in sent
        if last or a.case_id is None or (a.running_at is not None and a.running_at <= phase.ended_at)
    ]
    caught = [
        a
        for a in attempts
        if a.sent_at < phase.started_at and (a.running_at is None or a.running_at > phase.started_at)
    ]
    for attempt in during + caught:
        if attempt.failure is not None:
            if attempt in during:
                troubles.append(attempt.answered_at or phase.ended_at)
        elif attempt.case_id is not None and (attempt.latency is None or attempt.latency > normal):
            troubles.append(attempt.running_at or float("inf"))
    latencies = [a.latency for a in during + caught if a.latency is not None]
    phase.registrations = len(sent)
    phase.failed_requests = sum(1 for a in during if a.failure is not None)
    phase.worst_latency = max(latencies, default=None)
    phase.recovery_seconds = max(0.0, max(troubles) - phase.reference_at) if troubles else 0.0
