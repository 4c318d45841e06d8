"""Waking a workflow's loop for signals, updates and deadlines, without ever cancelling a timer.

A timer that rings for a deadline that moved only wakes the loop, which finds nothing due. A new timer
starts only when none running rings at or before the next deadline, so a stream of signals that keeps
pushing a deadline back starts no timers at all; the history stays small, and no timer is cancelled in the
same workflow task in which it fires (which Temporal's time-skipping test server mishandles).
"""

import asyncio
from datetime import datetime

from temporalio import workflow


class Alarm:
    def __init__(self) -> None:
        self.rung = False
        self._ringing_at: set[datetime] = set()
        self._timers: set[asyncio.Task[None]] = set()

    def ring(self) -> None:
        """Something changed (a signal or an update): the loop should look again."""
        self.rung = True

    async def wait(self, deadline: datetime | None) -> None:
        """Until the alarm rings or `deadline` comes."""
        if deadline is not None:
            if deadline <= workflow.now():
                return
            if not any(ringing_at <= deadline for ringing_at in self._ringing_at):
                self._start(deadline)
        await workflow.wait_condition(lambda: self.rung)
        self.rung = False

    def _start(self, at: datetime) -> None:
        self._ringing_at.add(at)

        async def ring_at() -> None:
            await asyncio.sleep((at - workflow.now()).total_seconds())
            self._ringing_at.discard(at)
            self.rung = True

        self._timers.add(asyncio.create_task(ring_at()))
