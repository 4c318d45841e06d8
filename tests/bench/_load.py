"""Registration load on a running stack, shared by the benchmarks: raw Temporal starts as the baseline,
bursts and steady streams of `POST /workers`, and when each registration's journey started."""

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from temporalio.client import Client

from contracts.ids import uuid7
from contracts.journey import EVENT_SIGNAL, TASK_QUEUE, WORKFLOW_NAME, JourneyEvent, JourneyInput
from deploy.dev.stack import Stack
from services.common.db import create_engine
from services.intake.models import outbox
from tests.bench._http_load import LoadClient
from tests.factories import NETWORK, assistant, registration
from tests.operator import operator_headers

CONCURRENCY = 32


async def operator(identity: str) -> dict[str, str]:
    return await asyncio.to_thread(operator_headers, identity)


def intake_client(base_url: str, headers: dict[str, str]) -> LoadClient:
    return LoadClient(base_url, headers, connections=CONCURRENCY * 2)


async def add_network(http: LoadClient) -> None:
    """The street and community a registration names (409: there already)."""
    for path, body in NETWORK:
        response = await http.post(path, json=body)
        if response.status_code != 409:
            response.raise_for_status()


async def add_assistants(http: LoadClient, count: int, *, capacity: int) -> None:
    """Labour assistants with room in the registrations' community: each registration after is assigned to
    one of them, so it is two events (registered, assigned) instead of one."""
    for index in range(count):
        created = await http.post("/assistants", json=assistant(name=f"助理{index:02d}", capacity=capacity))
        created.raise_for_status()


async def raw_start_rate(client: Client, count: int) -> float:
    """Journeys started per second by the bridge's own call (signal-with-start), straight to Temporal."""
    slots = asyncio.Semaphore(CONCURRENCY)
    batch = uuid7().hex[:8]

    async def start(index: int) -> None:
        case_id = f"bench-raw-{batch}-{index}"
        async with slots:
            await client.start_workflow(
                WORKFLOW_NAME,
                JourneyInput(case_id=case_id),
                id=f"journey-{case_id}",
                task_queue=TASK_QUEUE,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[
                    JourneyEvent(
                        event_id=str(uuid7()),
                        event_type="bench.raw.v1",
                        occurred_at=datetime.now(UTC),
                        data={},
                    )
                ],
            )

    started = time.perf_counter()
    await asyncio.gather(*(start(i) for i in range(count)))
    return count / (time.perf_counter() - started)


async def journey_start_times(client: Client, case_ids: set[str], *, timeout: float) -> dict[str, datetime]:
    """Wait until every case has a journey; return each journey's start time (from Temporal's visibility)."""
    deadline = time.monotonic() + timeout
    found: dict[str, datetime] = {}
    since = min(case_ids)
    while time.monotonic() < deadline:
        query = f"WorkflowType = '{WORKFLOW_NAME}' AND WorkflowId >= 'journey-{since}'"
        async for execution in client.list_workflows(query):
            case_id = execution.id.removeprefix("journey-")
            if case_id in case_ids:
                found[case_id] = execution.start_time
        if len(found) == len(case_ids):
            return found
        await asyncio.sleep(0.5)
    raise TimeoutError(f"{len(case_ids) - len(found)} of {len(case_ids)} journeys missing after {timeout} s")


async def open_journeys(client: Client) -> int:
    query = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"
    return (await client.count_workflows(query)).count


async def post(http: LoadClient, sent: dict[str, datetime]) -> None:
    at = datetime.now(UTC)
    response = await http.post("/workers", json=registration())
    response.raise_for_status()
    sent[response.json()["case_id"]] = at


async def post_many(http: LoadClient, count: int) -> tuple[dict[str, datetime], float]:
    """`count` registrations, CONCURRENCY at a time: when each was sent, and the requests per second."""
    sent: dict[str, datetime] = {}
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one() -> None:
        async with slots:
            await post(http, sent)

    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(count)))
    return sent, count / (time.perf_counter() - began)


async def burst(http: LoadClient, client: Client, count: int) -> tuple[float, float]:
    """Registrations as fast as intake takes them: (cases/s until every journey runs, requests/s)."""
    began = datetime.now(UTC)
    sent, http_rate = await post_many(http, count)
    starts = await journey_start_times(client, set(sent), timeout=600)
    seconds = (max(starts.values()) - began).total_seconds()
    return count / seconds, http_rate


@dataclass
class Stages:
    """Per-case milliseconds of each hop, from the outbox's own timestamps."""

    to_commit: list[float]
    to_published: list[float]
    to_journey: list[float]


async def stages(database_url: str, sent: dict[str, datetime], starts: dict[str, datetime]) -> Stages:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(outbox.c.message_key, outbox.c.created_at, outbox.c.published_at).where(
                    outbox.c.message_key.in_(list(sent))
                )
            )
        ).all()
    await engine.dispose()
    result = Stages([], [], [])
    for case_id, created, published in rows:
        result.to_commit.append((created - sent[case_id]).total_seconds() * 1000)
        result.to_published.append((published - created).total_seconds() * 1000)
        result.to_journey.append((starts[case_id] - published).total_seconds() * 1000)
    for values in (result.to_commit, result.to_published, result.to_journey):
        values.sort()
    return result


async def steady(
    http: LoadClient, client: Client, rate: float, seconds: float, database_url: str
) -> tuple[list[float], Stages]:
    """Registrations at `rate` a second for `seconds`: sorted POST → journey-start latencies, and hops."""
    sent: dict[str, datetime] = {}
    interval = 1.0 / rate
    pending = []
    began = time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = began + index * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(post(http, sent)))
    await asyncio.gather(*pending)
    starts = await journey_start_times(client, set(sent), timeout=600)
    latencies = sorted((starts[case] - sent[case]).total_seconds() * 1000 for case in sent)
    return latencies, await stages(database_url, sent, starts)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


async def warmed_up(stack: Stack, client: Client) -> dict[str, str]:
    """An operator's headers, once the network exists and a first few journeys ran through the stack."""
    headers = await operator(stack.endpoints["identity"])
    async with intake_client(stack.endpoints["intake"], headers) as http:
        await add_network(http)
        await burst(http, client, 50)
    return headers
