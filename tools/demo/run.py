"""The demo from start to end: seed the district, let workers arrive, follow them up, say where to look."""

import asyncio
import json
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tools.demo import district as districts
from tools.demo.api import Api
from tools.demo.console import LEADER, set_up_console
from tools.demo.employer_access import EmployerTokens
from tools.demo.follow_ups import FollowUps
from tools.demo.journeys import Programme, journey
from tools.demo.progress import Progress
from tools.demo.provider_clients import ProviderClients
from tools.demo.seeding import (
    STAFF_PASSWORD,
    SUPERVISOR,
    Admin,
    Seeded,
    admin_token,
    post_vacancies,
    seed,
    still_there,
)
from tools.demo.service_client import demo_service_client
from tools.demo.training import Cohorts

SERVICES = ("intake", "training", "placement", "complaints", "identity")


@dataclass(frozen=True)
class Options:
    endpoints: Path
    workers: int
    assistants: int
    providers: int
    employers: int
    seed: int
    in_flight: int
    arrivals_per_second: float
    active_workers: int
    """Workers whose journeys are driven at once; arrivals wait for room (the stack sets the pace)."""
    follow_up_seconds: float
    gather_seconds: float
    console_url: str
    admin: Admin


class State(BaseModel):
    """The demo's memory between runs, kept beside `endpoints.json` (so it goes when `var/` goes)."""

    token: str
    """Makes this district's registration references unique in the stack."""
    runs: int = 0
    shape: str = ""
    """Seed and sizes of the seeded district; a run with other ones seeds a district of its own."""
    seeded: Seeded | None = None


@dataclass(frozen=True)
class Outcome:
    counts: dict[str, int]
    run: int


async def run_demo(options: Options, progress: Progress) -> Outcome:
    endpoints = _endpoints(options.endpoints)
    state_file = options.endpoints.parent / "demo-state.json"
    state = State.model_validate_json(state_file.read_text()) if state_file.exists() else _fresh_state()
    state.runs += 1
    today = date.today()
    district = districts.draw(
        seed=options.seed,
        workers=options.workers,
        assistants=options.assistants,
        providers=options.providers,
        employers=options.employers,
        today=today,
    )
    api = Api(endpoints, in_flight=options.in_flight)
    try:
        api.authenticate(await demo_service_client(api, options.admin))
        state, seeded = await _seeded(api, state, district, options, progress)
        state_file.write_text(state.model_dump_json(indent=2) + "\n")
        await set_up_console(api, district, options.admin, options.workers, today)
        progress.note("the console: street of every community and this year's targets, set by {}", LEADER)
        tokens = await EmployerTokens.register(
            api,
            await admin_token(api, options.admin),
            {employer.employer_id: employer.name for employer in seeded.employers},
        )
        employers = await post_vacancies(api, district, seeded.employers, tokens)
        progress.note("the employers post {} vacancies", sum(len(found.vacancies) for found in employers))
        seeded = seeded.model_copy(update={"employers": employers})
        clients = ProviderClients(api)
        await clients.register(options.admin, seeded.providers)
        progress.note(
            "training: a provider client in identity for each of the {} providers", len(seeded.providers)
        )
        cohorts = Cohorts(
            api,
            progress,
            providers=seeded.providers,
            clients=clients,
            gather_seconds=options.gather_seconds,
        )
        programme = Programme(
            api=api,
            seeded=seeded,
            cohorts=cohorts,
            progress=progress,
            run=state.runs,
            today=today,
            employer_tokens=tokens,
        )
        await _drive(api, options, progress, programme, district)
    finally:
        await api.close()
    return Outcome(counts=dict(progress.counts), run=state.runs)


async def _seeded(
    api: Api, state: State, district: districts.District, options: Options, progress: Progress
) -> tuple[State, Seeded]:
    """The state with the district seeded: reused when it is still in the stack, seeded afresh otherwise."""
    shape = f"seed {options.seed}, {options.assistants} assistants, {options.providers} providers, " + (
        f"{options.employers} employers"
    )
    if state.seeded is not None and state.shape == shape and await still_there(api, state.seeded):
        progress.note("reusing the district seeded before ({}); run {}", shape, state.runs)
        return state, state.seeded
    fresh = _fresh_state(runs=state.runs) if state.seeded is not None else state
    fresh.shape = shape
    fresh.seeded = await seed(api, district, admin=options.admin, token=fresh.token, progress=progress)
    return fresh, fresh.seeded


async def _drive(
    api: Api, options: Options, progress: Progress, programme: Programme, district: districts.District
) -> None:
    """Workers arrive at the given rate and go their ways; follow-ups are recorded meanwhile and after."""
    follow_ups = FollowUps(api, progress, programme.cases)
    stop = asyncio.Event()
    reporting = asyncio.create_task(progress.report_every(5.0, lambda: api.requests))
    visiting = asyncio.create_task(follow_ups.visit_until(stop))
    progress.note(
        "{} workers arrive, {:g} a second; the console is at {}",
        len(district.workers),
        options.arrivals_per_second,
        options.console_url,
    )
    caseload = asyncio.Semaphore(options.active_workers)
    journeys = []
    for worker in district.workers:
        await caseload.acquire()
        journeys.append(asyncio.create_task(_in_caseload(caseload, journey(programme, worker))))
        await asyncio.sleep(1 / options.arrivals_per_second)
    await asyncio.gather(*journeys)
    progress.note(
        "every worker is on their way; recording follow-ups for {:g} s more", options.follow_up_seconds
    )
    await asyncio.sleep(options.follow_up_seconds)
    stop.set()
    await visiting
    reporting.cancel()
    progress.note("{}", progress.line())


async def _in_caseload(caseload: asyncio.Semaphore, work: Coroutine[Any, Any, None]) -> None:
    """Work on a worker's journey, then make room in the caseload for the next arrival."""
    try:
        await work
    finally:
        caseload.release()


def _endpoints(path: Path) -> dict[str, str]:
    if not path.exists():
        raise SystemExit(f"{path} not found: start the stack first (`make up`)")
    endpoints: dict[str, str] = json.loads(path.read_text())
    missing = [name for name in SERVICES if name not in endpoints]
    if missing:
        raise SystemExit(f"{path} names no {', '.join(missing)}: is the whole stack up?")
    return endpoints


def _fresh_state(runs: int = 0) -> State:
    return State(token=secrets.token_hex(2).upper(), runs=runs)


def farewell(options: Options, outcome: Outcome) -> str:
    """Where to look, and how to log in."""
    return "\n".join(
        [
            f"\nThe district is alive (run {outcome.run}).",
            f"  Console:   {options.console_url}",
            f"  Log in as: {SUPERVISOR} / {STAFF_PASSWORD}",
            f"  (labour assistants demo-assistant-001 … -{options.assistants:03d}, and the leading group"
            f" {LEADER}: the same password)",
            "",
        ]
    )
