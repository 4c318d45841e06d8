"""What the demo has done so far, counted and reported on the terminal every few seconds."""

import asyncio
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import TextIO

MILESTONES = (
    "registered",
    "planned",
    "enrolled",
    "trained",
    "failed",
    "referred",
    "hired",
    "businesses",
    "jobs_ended",
    "exits",
    "complaints",
    "follow_ups",
    "no_vacancy",
    "lagging",
    "stopped",
)


class Progress:
    def __init__(self, workers: int, out: TextIO = sys.stdout) -> None:
        self.workers = workers
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self._out = out

    def count(self, milestone: str, by: int = 1) -> None:
        self.counts[milestone] += by

    def note(self, template: str, *values: object) -> None:
        self._out.write(f"[{self.elapsed():6.1f} s] {template.format(*values)}\n")
        self._out.flush()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self) -> str:
        shown = [f"{name} {self.counts[name]}" for name in MILESTONES[1:] if self.counts[name]]
        return f"{self.counts['registered']}/{self.workers} workers · " + ", ".join(shown)

    async def report_every(self, seconds: float, requests: Callable[[], int]) -> None:
        """Print the counts, and the requests a second since the last report, until cancelled."""
        made = requests()
        while True:
            await asyncio.sleep(seconds)
            made, before = requests(), made
            self.note("{} · {:.0f} requests/s", self.line(), (made - before) / seconds)
