"""Benchmark: concurrent enrolments into one popular class, against the same load spread over many classes.

On each engine, a fresh training database learns BENCH_WORKERS cases (with consent) through the consumer
handler. Then BENCH_CLIENTS clients enrol them at once through the API, in process:

- baseline: every worker into a different class of 20 places, so no two enrolments wait on the same class;
- one class: every worker into one class of 20 places, so all but 20 go to the waitlist, and every enrolment
  waits for the class row.

Prints enrolments per second and p50/p95 latency of both; writes docs/performance/training_enrolment.json.
"""

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from contracts.events.intake import Agency, ConsentGranted
from services.common import scopes
from services.common.db import create_engine, session_factory
from services.common.migrations import upgrade
from services.common.settings import ServiceSettings
from services.training.app import create_app
from services.training.consumers import build_handler
from tests.factories import worker_registered
from tests.http_checks import body
from tests.infrastructure import postgres_database
from tests.tokens import TestIssuer

WORKERS = int(os.environ.get("BENCH_WORKERS", "400"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "services" / "training" / "migrations"
RESULTS = ROOT / "docs" / "performance" / "training_enrolment.json"
ASSISTANT = "0190aaaa-0000-7000-8000-000000000001"
COMMUNITY = "ZS-01"
"""The community of the bench's workers and of the labour assistant enrolling them."""
ISSUER = TestIssuer()


async def known_cases(url: str, count: int) -> list[str]:
    engine = create_engine(url)
    feed = build_handler(session_factory(engine))
    cases = []
    for _ in range(count):
        case_id = str(uuid.uuid4())
        consent = ConsentGranted(
            case_id=case_id,
            consent_id=str(uuid.uuid4()),
            agency=Agency.LABOUR_BUREAU,
            purpose="training",
            expires_on=date(2027, 12, 31),
            granted_at=NOW,
        )
        for event in (worker_registered(case_id, community_code=COMMUNITY), consent):
            await feed(event.envelope(correlation_id="bench"))
        cases.append(case_id)
    await engine.dispose()
    return cases


def class_body(course_id: str) -> dict[str, Any]:
    starts = NOW + timedelta(days=6)
    return {
        "course_id": course_id,
        "venue": "实训室",
        "capacity": 20,
        "enrolment_opens_on": "2026-11-20",
        "enrolment_closes_on": "2026-12-06",
        "sessions": [
            {
                "starts_at": starts.isoformat(),
                "ends_at": (starts + timedelta(hours=3)).isoformat(),
                "topic": "1",
            }
        ],
    }


async def setup(api: httpx.AsyncClient, classes: int) -> list[str]:
    """A supervisor's provider and course, and the provider's classes."""
    as_supervisor = ISSUER.staff_headers("supervisor")
    provider = body(
        await api.post(
            "/providers",
            headers=as_supervisor,
            json={
                "name": "学校",
                "kind": "vocational_school",
                "address": "路",
                "contacts": [{"name": "陈", "role": "coordinator", "phone": "13800138000"}],
            },
        ),
        201,
    )["provider_id"]
    await api.post(
        f"/providers/{provider}/accreditation",
        json={"action": "accredit", "valid_until": "2027-12-31"},
        headers=as_supervisor,
    )
    course = body(
        await api.post(
            "/courses",
            headers=as_supervisor,
            json={
                "code": f"C-{uuid.uuid4().hex[:8]}",
                "title": "烹饪",
                "occupation_area": "cooking",
                "hours": 60,
                "certificate_name": "证书",
                "cost_per_trainee_yuan": 500,
            },
        ),
        201,
    )["course_id"]
    as_provider = ISSUER.headers(scopes.TRAINING_PROVIDE, client_kind="provider", provider_id=provider)
    return [
        body(
            await api.post(f"/providers/{provider}/classes", json=class_body(course), headers=as_provider),
            201,
        )["class_id"]
        for _ in range(classes)
    ]


async def enrol_all(api: httpx.AsyncClient, pairs: list[tuple[str, str]]) -> dict[str, float]:
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for pair in pairs:
        queue.put_nowait(pair)
    latencies: list[float] = []

    async def client() -> None:
        as_assistant = ISSUER.staff_headers("labour_assistant", community_code=COMMUNITY)
        while not queue.empty():
            class_id, case_id = queue.get_nowait()
            started = time.perf_counter()
            response = await api.post(
                f"/classes/{class_id}/enrolments",
                json={"case_id": case_id, "assistant_id": ASSISTANT},
                headers=as_assistant,
            )
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=20)
    return {
        "enrolments_per_second": round(len(pairs) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(cuts[18] * 1000, 2),
    }


async def measure(url: str) -> dict[str, dict[str, float]]:
    await upgrade(MIGRATIONS, url)
    cases = await known_cases(url, WORKERS * 2)
    app = create_app(ServiceSettings(database_url=url), clock=lambda: NOW, token_verifier=ISSUER.verifier())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://training") as api:
            spread = await setup(api, WORKERS)
            popular = (await setup(api, 1))[0]
            baseline = await enrol_all(api, list(zip(spread, cases[:WORKERS], strict=True)))
            one_class = await enrol_all(api, [(popular, case_id) for case_id in cases[WORKERS:]])
    return {"baseline: one worker per class": baseline, "one class, 20 places": one_class}


async def on_engine(engine: str) -> dict[str, dict[str, float]]:
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            return await measure(f"sqlite+aiosqlite:///{directory}/training.db")
    async with postgres_database() as url:
        return await measure(url)


def main() -> None:
    figures: dict[str, Any] = {"workers": WORKERS, "clients": CLIENTS}
    for engine in ENGINES:
        results = asyncio.run(on_engine(engine))
        figures[engine] = results
        for scenario, numbers in results.items():
            print(
                f"{engine:8} {scenario:32} {numbers['enrolments_per_second']:8.1f}/s "
                f"p50 {numbers['p50_ms']:7.2f} ms  p95 {numbers['p95_ms']:7.2f} ms"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    sys.stdout.write(f"Figures saved to {RESULTS}\n")


if __name__ == "__main__":
    main()
