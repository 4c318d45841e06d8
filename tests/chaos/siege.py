"""Registrations over HTTP at a steady rate against a running stack, and when each one's journey ran.

A registration is *accepted* when intake answered 201; its journey *runs* once the journey's first workflow
task has shown its stage in Temporal's visibility (`JourneyStage = 'assessment'`), which needs the broker,
intake's relay, the bridge, Temporal and the worker all to work. Requests that fail (refused, reset, timed
out, 5xx) are kept too: the recovery after a fault ends with the last such trouble.
"""

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client
from temporalio.service import RPCError

from contracts.journey import WORKFLOW_NAME, journey_id
from tests.factories import registration

MAX_IN_FLIGHT = 64
"""Requests waiting on a stalled part are capped, so an outage does not pile up thousands of them."""
REQUEST_TIMEOUT_SECONDS = 30.0
VISIBILITY_POLL_SECONDS = 0.2


@dataclass
class Attempt:
    sent_at: float
    answered_at: float | None = None
    case_id: str | None = None
    failure: str | None = None
    running_at: float | None = None

    @property
    def latency(self) -> float | None:
        """POST sent → journey running, in seconds."""
        return None if self.running_at is None else self.running_at - self.sent_at


class Siege:
    def __init__(self, http: httpx.AsyncClient, temporal: Client, *, rate: float) -> None:
        self.http = http
        self.temporal = temporal
        self.interval = 1.0 / rate
        self.attempts: list[Attempt] = []
        self.registering = asyncio.Event()
        self.normal = float("inf")
        """Normal latency, once measured before the first fault (faults.normal_latency)."""
        self._by_journey: dict[str, Attempt] = {}
        self._slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self._requests: set[asyncio.Task[None]] = set()
        self._started_wall = datetime.now(UTC)
        self._started_clock = time.monotonic()

    def accepted(self) -> list[Attempt]:
        return [attempt for attempt in self.attempts if attempt.case_id is not None]

    def waiting(self) -> list[Attempt]:
        """Accepted registrations whose journey has not been seen running yet."""
        return [attempt for attempt in self.accepted() if attempt.running_at is None]

    async def register(self, stop: asyncio.Event) -> None:
        """Send a registration every interval until stopped, without waiting for the answers in between."""
        self.registering.set()
        next_at = time.monotonic()
        while not stop.is_set():
            await self._slots.acquire()
            task = asyncio.create_task(self._register_one())
            self._requests.add(task)
            task.add_done_callback(self._requests.discard)
            next_at += self.interval
            delay = next_at - time.monotonic()
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), delay)
                except TimeoutError:
                    continue
        if self._requests:
            await asyncio.gather(*self._requests)
        self.registering.clear()

    async def watch_journeys(self, stop: asyncio.Event) -> None:
        """Notice, a poll at a time, the journeys of accepted registrations that run now."""
        while not stop.is_set():
            with contextlib.suppress(RPCError):
                await self._look_for_running_journeys()
            try:
                await asyncio.wait_for(stop.wait(), VISIBILITY_POLL_SECONDS)
            except TimeoutError:
                continue

    async def _register_one(self) -> None:
        attempt = Attempt(sent_at=time.monotonic())
        self.attempts.append(attempt)
        try:
            response = await self.http.post("/workers", json=registration(), timeout=REQUEST_TIMEOUT_SECONDS)
            attempt.answered_at = time.monotonic()
            if response.status_code == 201:
                attempt.case_id = response.json()["case_id"]
                self._by_journey[journey_id(attempt.case_id)] = attempt
            else:
                attempt.failure = f"HTTP {response.status_code}"
        except httpx.HTTPError as error:
            attempt.answered_at = time.monotonic()
            attempt.failure = type(error).__name__
        finally:
            self._slots.release()

    async def _look_for_running_journeys(self) -> None:
        waiting = self.waiting()
        if not waiting:
            return
        oldest = min(attempt.sent_at for attempt in waiting)
        since = self._started_wall + timedelta(seconds=oldest - self._started_clock - 5)
        query = (
            f"WorkflowType = '{WORKFLOW_NAME}' AND JourneyStage = 'assessment' "
            f"AND StartTime >= '{since.isoformat()}'"
        )
        seen_at = time.monotonic()
        async for execution in self.temporal.list_workflows(query, page_size=1000):
            attempt = self._by_journey.get(execution.id)
            if attempt is not None and attempt.running_at is None:
                attempt.running_at = seen_at
