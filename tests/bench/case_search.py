"""Benchmark: the case list at a million cases, on SQLite and PostgreSQL.

Fills a fresh intake database with BENCH_CASES cases (default 1,000,000) in bulk, then times the first page
of the common searches through the real query code, next to a primary-key lookup measured in the same run
as the baseline. Prints p50/p95 per query and writes docs/performance/case_search.json.
"""

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from contracts.ids import uuid7
from services.common import scopes
from services.common.audit import Access, Actor, ActorSource, AuditLog
from services.common.audit_api import Caller
from services.common.auth import Principal
from services.common.db import create_engine, session_factory
from services.common.migrations import upgrade
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector
from services.intake.collaborators import Intake
from services.intake.models import (
    CaseFlag,
    Community,
    Street,
    WorkerCase,
    audit_chain_head,
    audit_log,
    outbox,
)
from services.intake.schemas import CaseQuery
from services.intake.search import search_cases
from tests.infrastructure import postgres_database

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
REPEATS = int(os.environ.get("BENCH_REPEATS", "40"))
CHUNK = 5000
STREETS, COMMUNITIES_PER_STREET, ASSISTANTS = 20, 10, 700
RESULTS = Path(__file__).resolve().parents[2] / "docs" / "performance" / "case_search.json"
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "intake" / "migrations"

QUERIES = {
    "community, newest first": CaseQuery(community_code="S07-C03"),
    "street, newest first": CaseQuery(street_code="S11"),
    "4050 flag": CaseQuery(hardship_flag="aged_4050"),
    "community + bankruptcy + layoff range": CaseQuery(
        community_code="S03-C05",
        layoff_reason="bankruptcy",
        layoff_from=date(2026, 3, 1),
        layoff_to=date(2026, 6, 30),
    ),
    "sorted by layoff date": CaseQuery(sort="layoff_date"),
    "page 2 of a community": CaseQuery(community_code="S07-C03"),
}


class NoJourneys:
    """Search reads no journey; the bench runs without Temporal."""

    async def status(self, case_id: str) -> None:
        return None


async def fill(url: str, cases: int) -> str:
    """Insert the network and `cases` cases; returns one assistant id to query by."""
    engine = create_engine(url)
    rng = random.Random(7)
    assistants = [str(uuid7()) for _ in range(ASSISTANTS)]
    communities = [f"S{s:02d}-C{c:02d}" for s in range(STREETS) for c in range(COMMUNITIES_PER_STREET)]
    async with engine.begin() as connection:
        await connection.execute(
            insert(Street), [{"street_code": f"S{s:02d}", "name": "街道"} for s in range(STREETS)]
        )
        await connection.execute(
            insert(Community),
            [{"community_code": c, "street_code": c[:3], "name": "社区"} for c in communities],
        )
    now = datetime.now(UTC)
    for start in range(0, cases, CHUNK):
        rows, flags = [], []
        for _ in range(min(CHUNK, cases - start)):
            case_id = str(uuid7())
            aged = rng.random() < 0.3
            rows.append(
                {
                    "case_id": case_id,
                    "full_name": "工人",
                    "mobile": "13800138000",
                    "community_code": rng.choice(communities),
                    "assistant_id": rng.choice(assistants),
                    "layoff_date": date(2026, 1, 1) + timedelta(days=rng.randrange(300)),
                    "layoff_reason": rng.choice(["restructuring", "bankruptcy", "contract_ended", "other"]),
                    "status": "open",
                    "registered_at": now,
                    "version": 1,
                    "hardship_flags": ["aged_4050"] if aged else [],
                }
            )
            if aged:
                flags.append({"flag": "aged_4050", "case_id": case_id})
        async with engine.begin() as connection:
            await connection.execute(insert(WorkerCase.__table__), rows)
            if flags:
                await connection.execute(insert(CaseFlag.__table__), flags)
    await engine.dispose()
    return assistants[0]


CALLER = Caller(
    principal=Principal(
        subject="case-search-bench",
        scopes=frozenset({scopes.CASES_READ}),
        token_id="bench",
        expires_at=datetime.max.replace(tzinfo=UTC),
        client_kind="service",
    ),
    access=Access(Actor("case-search-bench", ActorSource.TOKEN), purpose="benchmark", correlation_id="bench"),
)
"""A platform process reaching the whole district, as a service token would."""


async def measure(url: str, assistant_id: str) -> dict[str, list[float]]:
    engine = create_engine(url)
    intake = Intake(
        sessions=session_factory(engine),
        outbox=Outbox(outbox),
        journeys=None,  # type: ignore[arg-type]
        personal_data=PersonalDataProtector("bench"),
        audit=AuditLog(audit_log, audit_chain_head),
    )
    timings: dict[str, list[float]] = {}
    async with intake.sessions() as session:
        some_case = await session.scalar(select(WorkerCase.case_id).limit(1))
    first_page = await search_cases(intake=intake, query=QUERIES["page 2 of a community"], caller=CALLER)
    for _ in range(REPEATS):
        started = time.perf_counter()
        async with intake.sessions() as session:
            await session.get(WorkerCase, some_case, populate_existing=True)
        timings.setdefault("baseline: case by id", []).append((time.perf_counter() - started) * 1000)
        for name, query in [*QUERIES.items(), ("assistant", CaseQuery(assistant_id=assistant_id))]:
            if name == "page 2 of a community":
                query = query.model_copy(update={"cursor": first_page.next_cursor})
            started = time.perf_counter()
            page = await search_cases(intake=intake, query=query, caller=CALLER)
            timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            assert page.items, name
    await engine.dispose()
    return timings


def summary(timings: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(sorted(values)[int(0.95 * (len(values) - 1))], 2),
        }
        for name, values in timings.items()
    }


async def run_engine(kind: str, directory: Path) -> dict[str, dict[str, float]]:
    async def on(url: str) -> dict[str, dict[str, float]]:
        await upgrade(MIGRATIONS, url)
        started = time.perf_counter()
        assistant_id = await fill(url, CASES)
        sys.stdout.write(f"{kind}: {CASES:,} cases inserted in {time.perf_counter() - started:.0f} s\n")
        sys.stdout.flush()
        return summary(await measure(url, assistant_id))

    if kind == "sqlite":
        return await on(f"sqlite+aiosqlite:///{directory / 'bench.db'}")
    async with postgres_database() as url:
        return await on(url)


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="reemploy-search-bench-") as directory:
        for kind in ENGINES:
            results[kind] = asyncio.run(run_engine(kind, Path(directory)))
    for kind, figures in results.items():
        sys.stdout.write(f"\nCase search, first page of 50, {CASES:,} cases, {kind}:\n")
        for name, figure in figures.items():
            sys.stdout.write(
                f"  {name:<40} p50 {figure['p50_ms']:7.2f} ms   p95 {figure['p95_ms']:7.2f} ms\n"
            )
    RESULTS.write_text(json.dumps({"cases": CASES, "results": results}, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.write(f"\nFigures saved to {RESULTS}\n")


if __name__ == "__main__":
    main()
