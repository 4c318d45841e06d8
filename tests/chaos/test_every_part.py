"""Chaos on every part of the running stack while workers register over HTTP, then the books are checked.

In turn: kill -9 the broker, intake's relay, the bridge, the console's consumer, the Temporal worker and the
Temporal server, and pause the broker for 10 s. Afterwards every registration intake holds has exactly one
journey; the console's, training's and placement's views hold exactly intake's cases; nothing was applied
twice (the console's assistant loads and timeline agree with intake). Each fault's recovery — until every
request is answered and every journey runs within normal latency again — is printed in the summary.

`make test` runs a small siege (REEMPLOY_CHAOS_REGISTRATIONS, default 300); `make chaos` runs 2,000 in both
layouts (REEMPLOY_CHAOS_LAYOUTS).
"""

import asyncio
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from temporalio.client import Client

from contracts.journey import WORKFLOW_NAME, journey_id
from tests.chaos import ledgers
from tests.chaos.faults import EVERY_PART, Fault, Phase, assess, normal_latency, signal_part
from tests.chaos.siege import Siege
from tests.factories import NETWORK, assistant
from tests.operator import operator_headers
from tests.running_stack import RunningStack, fresh_stack

REGISTRATIONS = int(os.environ.get("REEMPLOY_CHAOS_REGISTRATIONS", "300"))
RATE = float(os.environ.get("REEMPLOY_CHAOS_RATE", "5"))
LAYOUTS = os.environ.get("REEMPLOY_CHAOS_LAYOUTS", "compact").split()
MIN_PHASE_SECONDS = 8.0
SETTLED_SECONDS = 3.0
"""A phase ends once the stack has been quiet this long: every part ready, nothing failing or late."""
PHASE_BOUND_SECONDS = 300.0
CATCH_UP_BOUND_SECONDS = 120.0
"""After the siege: how long the books may go on moving toward agreement without progress."""
ASSISTANTS = 4


@pytest.fixture(params=LAYOUTS)
def stack(request: pytest.FixtureRequest, tmp_path: Path):
    with fresh_stack(tmp_path / "var", request.param) as running:
        yield running


async def test_every_part_dies_in_turn_and_nothing_is_lost_or_applied_twice(stack, chaos_report):
    endpoints = stack.start()
    headers = operator_headers(endpoints["identity"])
    async with httpx.AsyncClient(base_url=endpoints["intake"], headers=headers, timeout=30) as http:
        for path, body in NETWORK:
            assert (await http.post(path, json=body)).status_code in (201, 409)
        for number in range(ASSISTANTS):
            body = assistant(name=f"助理{number}", capacity=REGISTRATIONS)
            created = await http.post("/assistants", json=body)
            assert created.status_code == 201, created.text
        temporal = await Client.connect(endpoints["temporal"].removeprefix("grpc://"))
        siege = Siege(http, temporal, rate=RATE)
        phases = await besiege(stack, endpoints, siege)

    chaos_report.append(report(stack.layout, siege, phases))
    await books_agree(stack.var_dir, temporal, siege)


async def besiege(stack: RunningStack, endpoints: dict[str, str], siege: Siege) -> list[Phase]:
    """The registrations go on while each fault is dealt and recovered from, until enough were sent."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(siege.register(stop)), asyncio.create_task(siege.watch_journeys(stop))]
    phase_seconds = max(MIN_PHASE_SECONDS, REGISTRATIONS / RATE / (len(EVERY_PART) + 1))
    phases: list[Phase] = []
    try:
        await _progress(lambda: len(siege.accepted()) - len(siege.waiting()) >= 20, stack, "first journeys")
        await asyncio.sleep(phase_seconds)
        siege.normal = normal_latency(siege.accepted())
        for fault in EVERY_PART:
            phase = await deal(stack, fault)
            await settle(phase, endpoints, siege, phase_seconds)
            phases.append(phase)
        await _progress(lambda: len(siege.attempts) >= REGISTRATIONS, stack, "the last registrations")
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    await catch_up(stack, siege)
    for phase in phases:
        assess(phase, siege.attempts, siege.normal, last=phase is phases[-1])
    return phases


async def deal(stack: RunningStack, fault: Fault) -> Phase:
    started = time.monotonic()
    if not fault.pause_seconds:
        signal_part(stack, fault.part, signal.SIGKILL)
        return Phase(fault, started_at=started, reference_at=started)
    pid = signal_part(stack, fault.part, signal.SIGSTOP)
    try:
        await asyncio.sleep(fault.pause_seconds)
    finally:
        os.kill(pid, signal.SIGCONT)
    return Phase(fault, started_at=started, reference_at=time.monotonic())


async def settle(phase: Phase, endpoints: dict[str, str], siege: Siege, phase_seconds: float) -> None:
    """Wait until the stack is quiet again (or the phase's bound passes: the books will then tell why)."""
    readiness = sorted(
        {
            f"{url}/readyz"
            for name, url in endpoints.items()
            if url.startswith("http") and name != "temporal-ui" and not name.endswith("-docs")
        }
    )
    async with httpx.AsyncClient(timeout=5) as probe:
        while time.monotonic() < phase.reference_at + PHASE_BOUND_SECONDS:
            await asyncio.sleep(0.5)
            now = time.monotonic()
            failed = [a for a in siege.attempts if a.failure and a.sent_at >= phase.started_at]
            failures = [a.answered_at or now for a in failed]
            late = [a for a in siege.waiting() if now - a.sent_at > siege.normal]
            quiet_since = max([phase.reference_at, *failures])
            if now - phase.reference_at < phase_seconds or late or now - quiet_since < SETTLED_SECONDS:
                continue
            if all([await _ready(probe, url) for url in readiness]):
                break
    phase.ended_at = time.monotonic()


async def catch_up(stack: RunningStack, siege: Siege) -> None:
    """Let the last journeys run: wait while the count of those waiting keeps falling."""
    stop = asyncio.Event()
    watching = asyncio.create_task(siege.watch_journeys(stop))
    try:
        await _progress(
            lambda: not siege.waiting(), stack, "the last journeys", measure=lambda: len(siege.waiting())
        )
    finally:
        stop.set()
        await watching


async def books_agree(var_dir: Path, temporal: Client, siege: Siege) -> None:
    accepted = {attempt.case_id for attempt in siege.accepted()}
    cases = ledgers.intake_cases(var_dir)
    assert accepted <= cases, "intake answered 201 for cases it does not hold"

    async def views_missing() -> int:
        return sum(
            len(cases ^ view(var_dir))
            for view in (ledgers.console_cases, ledgers.training_cases, ledgers.placement_cases)
        )

    await _converge(views_missing, "the console's, training's and placement's views of intake's cases")
    runs: dict[str, int] = {}
    async for execution in temporal.list_workflows(f"WorkflowType = '{WORKFLOW_NAME}'", page_size=1000):
        runs[execution.id] = runs.get(execution.id, 0) + 1
    assert set(runs) == {journey_id(case_id) for case_id in cases}, "a case without a journey, or the reverse"
    assert set(runs.values()) == {1}, "a case has more than one journey run"
    assert ledgers.console_assistant_loads(var_dir) == ledgers.intake_assistant_loads(var_dir)
    registered = ledgers.console_timeline_entries(var_dir, "intake.worker_registered.v1")
    assert set(registered) == cases and set(registered.values()) == {1}, "a registration applied twice"


async def _converge(difference: Any, what: str) -> None:
    """Wait until `difference()` is zero, as long as it keeps shrinking within the catch-up bound."""
    best = await difference()
    deadline = time.monotonic() + CATCH_UP_BOUND_SECONDS
    while best and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = await difference()
        if now < best:
            best, deadline = now, time.monotonic() + CATCH_UP_BOUND_SECONDS
    assert best == 0, f"{what} never agreed: {best} differences left"


async def _progress(done: Any, stack: RunningStack, what: str, measure: Any = None) -> None:
    """Wait for `done()` while the stack's supervisor lives and (if given) `measure()` keeps improving."""
    best = measure() if measure else None
    deadline = time.monotonic() + CATCH_UP_BOUND_SECONDS
    while not done():
        assert stack.process is not None and stack.process.poll() is None, stack.output_tail()
        if measure is not None and (now := measure()) < best:
            best, deadline = now, time.monotonic() + CATCH_UP_BOUND_SECONDS
        assert measure is None or time.monotonic() < deadline, f"no progress toward {what}"
        await asyncio.sleep(0.25)


async def _ready(probe: httpx.AsyncClient, url: str) -> bool:
    try:
        return (await probe.get(url)).status_code == 200
    except httpx.HTTPError:
        return False


def report(layout: str, siege: Siege, phases: list[Phase]) -> str:
    accepted = len(siege.accepted())
    lines = [
        f"chaos, {layout} layout: {len(siege.attempts)} registrations sent, {accepted} accepted, "
        f"normal latency ≤ {siege.normal:.2f} s (POST → journey running)",
        f"  {'fault':<26} {'recovery s':>10} {'failed':>7} {'worst latency s':>16} {'sent':>6}",
    ]
    for phase in phases:
        recovery = "never" if phase.recovery_seconds == float("inf") else f"{phase.recovery_seconds:.1f}"
        worst = "-" if phase.worst_latency is None else f"{phase.worst_latency:.1f}"
        failed, sent = phase.failed_requests, phase.registrations
        lines.append(f"  {phase.fault.title:<26} {recovery:>10} {failed:>7} {worst:>16} {sent:>6}")
    record = Path("var/chaos") / f"{layout}.json"
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(
        json.dumps(
            {
                "layout": layout,
                "sent": len(siege.attempts),
                "accepted": accepted,
                "normal_latency_seconds": siege.normal,
                "phases": [
                    {
                        "fault": phase.fault.title,
                        "recovery_seconds": phase.recovery_seconds,
                        "failed_requests": phase.failed_requests,
                        "worst_latency_seconds": phase.worst_latency,
                        "sent": phase.registrations,
                    }
                    for phase in phases
                ],
            },
            indent=2,
        )
        + "\n"
    )
    return "\n".join(lines)
