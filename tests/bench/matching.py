"""Benchmark: matching both ways at 100,000 workers and 10,000 vacancies, on SQLite and PostgreSQL.

Fills a fresh placement database with BENCH_WORKERS workers (default 100,000) and BENCH_VACANCIES vacancies
(default 10,000) in bulk, then times the real matching code in both directions (top 20 with explanations).
Measured in the same run: a primary-key lookup (the floor) and both directions without the SQL pre-filter
(every open vacancy, every open worker scored), to show what the pre-filter saves. Prints p50/p95 and
writes docs/performance/matching.json.
"""

import asyncio
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select

from contracts.ids import uuid7
from contracts.occupations import EmploymentForm, OccupationArea
from services.common.db import create_engine, session_factory
from services.common.migrations import upgrade
from services.common.outbox import Outbox
from services.placement import matching, scoring
from services.placement.collaborators import Placement
from services.placement.models import Community, Employer, Vacancy, Worker, WorkerInterest, outbox
from tests.infrastructure import postgres_database

WORKERS = int(os.environ.get("BENCH_WORKERS", "100000"))
VACANCIES = int(os.environ.get("BENCH_VACANCIES", "10000"))
ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
REPEATS = int(os.environ.get("BENCH_REPEATS", "30"))
UNFILTERED_REPEATS = int(os.environ.get("BENCH_UNFILTERED_REPEATS", "5"))
CHUNK = 5000
STREETS, COMMUNITIES_PER_STREET = 20, 10
AREAS = [area.value for area in OccupationArea]
FORMS = [form.value for form in EmploymentForm if form is not EmploymentForm.SELF_EMPLOYMENT]
SKILLS = ["cleaning", "cooking", "sewing", "driving", "computer", "care", "repair", "sales", "hairdressing"]
LEVELS = ["basic", "intermediate", "advanced"]
RESULTS = Path(__file__).resolve().parents[2] / "docs" / "performance" / "matching.json"
ASSISTANTS_CASES = select(Worker.case_id).where(Worker.community_code == "S00-C00")
"""What a labour assistant of one community reaches (`services.placement.access.reachable_cases`)."""
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "placement" / "migrations"


async def fill(url: str) -> tuple[list[str], list[str]]:
    """Insert communities, employers, workers (with their interest index) and vacancies; returns some ids."""
    engine = create_engine(url)
    rng = random.Random(11)
    now = datetime.now(UTC)
    communities = [f"S{s:02d}-C{c:02d}" for s in range(STREETS) for c in range(COMMUNITIES_PER_STREET)]
    with_coordinates = set(communities[::2])
    employers = [str(uuid7()) for _ in range(200)]
    async with engine.begin() as connection:
        await connection.execute(
            insert(Community),
            [
                {
                    "community_code": code,
                    "street_code": code[:3],
                    "name": "社区",
                    "latitude": 31.2 + rng.random() / 5 if code in with_coordinates else None,
                    "longitude": 121.4 + rng.random() / 5 if code in with_coordinates else None,
                }
                for code in communities
            ],
        )
        await connection.execute(
            insert(Employer),
            [
                {
                    "employer_id": employer_id,
                    "name": "企业",
                    "kind": "enterprise",
                    "status": "verified",
                    "registered_at": now,
                    "version": 1,
                }
                for employer_id in employers
            ],
        )
    case_ids: list[str] = []
    for start in range(0, WORKERS, CHUNK):
        workers, interests = [], []
        for _ in range(min(CHUNK, WORKERS - start)):
            case_id = str(uuid7())
            case_ids.append(case_id)
            desired = rng.sample(AREAS, rng.choice([1, 1, 2]))
            certificates = [
                {
                    "number": str(uuid7()),
                    "name": f"{area} certificate",
                    "occupation_area": area,
                    "issued_on": "2026-10-01",
                }
                for area in rng.sample(AREAS, rng.choice([0, 0, 1]))
            ]
            skills = {skill: rng.randint(1, 3) for skill in rng.sample(SKILLS, rng.randint(0, 4))}
            forms = rng.sample(FORMS, rng.randint(0, 2))
            flags = [
                flag
                for flag, share in (("aged_4050", 0.3), ("zero_employment_family", 0.05))
                if rng.random() < share
            ]
            workers.append(
                {
                    "case_id": case_id,
                    "community_code": rng.choice(communities),
                    "hardship_flags": flags,
                    "skills": skills,
                    "profile_certificates": [],
                    "training_certificates": certificates,
                    "desired_occupations": desired,
                    "desired_forms": forms,
                    "profile_version": 1,
                    "match_facts": {
                        "flags": flags,
                        "skills": skills,
                        "certificates": [[c["name"], c["occupation_area"]] for c in certificates],
                        "occupations": desired,
                        "forms": forms,
                    },
                    "case_open": rng.random() < 0.95,
                    "registered": True,
                    "updated_at": now,
                    "version": 1,
                }
            )
            areas = set(desired) | {c["occupation_area"] for c in certificates}
            interests += [{"occupation_area": area, "case_id": case_id} for area in areas]
        async with engine.begin() as connection:
            await connection.execute(insert(Worker), workers)
            await connection.execute(insert(WorkerInterest), interests)
    vacancy_ids: list[str] = []
    for start in range(0, VACANCIES, CHUNK):
        vacancies = []
        for _ in range(min(CHUNK, VACANCIES - start)):
            vacancy_id = str(uuid7())
            vacancy_ids.append(vacancy_id)
            area = rng.choice(AREAS)
            vacancies.append(
                {
                    "vacancy_id": vacancy_id,
                    "employer_id": rng.choice(employers),
                    "title": "岗位",
                    "description": "",
                    "occupation_area": area,
                    "employment_form": rng.choice(FORMS),
                    "openings": rng.randint(1, 10),
                    "openings_filled": 0,
                    "required_skills": [
                        f"{s}:{rng.choice(LEVELS)}" for s in rng.sample(SKILLS, rng.randint(0, 2))
                    ],
                    "required_certificates": [f"{area} certificate"] if rng.random() < 0.3 else [],
                    "community_code": rng.choice(communities),
                    "monthly_wage_yuan": rng.randint(2500, 6000),
                    "status": "open" if rng.random() < 0.9 else "closed",
                    "posted_at": now,
                    "version": 1,
                }
            )
        async with engine.begin() as connection:
            await connection.execute(insert(Vacancy), vacancies)
    await engine.dispose()
    return rng.sample(case_ids, 50), rng.sample(vacancy_ids, 50)


async def unfiltered_workers_for_vacancy(placement: Placement, vacancy_id: str) -> list[scoring.Match]:
    """Every open worker scored: what matching would cost without the interest index."""
    async with placement.sessions() as session:
        vacancy_row = (
            await session.execute(
                select(*matching.VACANCY_COLUMNS)
                .outerjoin(Community, Community.community_code == Vacancy.community_code)
                .where(Vacancy.vacancy_id == vacancy_id)
            )
        ).one()
        facts = matching.vacancy_facts(vacancy_row)
        rows = (
            await session.execute(
                select(*matching.WORKER_COLUMNS)
                .outerjoin(Community, Community.community_code == Worker.community_code)
                .where(Worker.case_open.is_(True))
            )
        ).all()
    return scoring.best(((matching.worker_facts(row), facts) for row in rows), 20, by_vacancy=False)


async def unfiltered_vacancies_for_worker(placement: Placement, case_id: str) -> list[scoring.Match]:
    """Every open vacancy scored, whatever the worker asked for."""
    async with placement.sessions() as session:
        row = (
            await session.execute(
                select(*matching.WORKER_COLUMNS)
                .outerjoin(Community, Community.community_code == Worker.community_code)
                .where(Worker.case_id == case_id)
            )
        ).one()
        worker = matching.worker_facts(row)
        rows = (
            await session.execute(
                select(*matching.VACANCY_COLUMNS)
                .outerjoin(Community, Community.community_code == Vacancy.community_code)
                .where(Vacancy.status == "open")
            )
        ).all()
    return scoring.best(((worker, matching.vacancy_facts(r)) for r in rows), 20, by_vacancy=True)


async def measure(url: str, case_ids: list[str], vacancy_ids: list[str]) -> dict[str, list[float]]:
    engine = create_engine(url)
    placement = Placement(sessions=session_factory(engine), outbox=Outbox(outbox))
    timings: dict[str, list[float]] = {}
    rng = random.Random(3)

    async def timed(name: str, call: Callable[[], Awaitable[object]]) -> object:
        started = time.perf_counter()
        result = await call()
        timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
        return result

    async def lookup(case_id: str) -> Worker | None:
        async with placement.sessions() as session:
            return await session.get(Worker, case_id, populate_existing=True)

    for _ in range(REPEATS):
        case_id, vacancy_id = rng.choice(case_ids), rng.choice(vacancy_ids)
        await timed("baseline: worker by id", lambda: lookup(case_id))  # noqa: B023
        await timed(
            "vacancies for a worker (top 20)",
            lambda: matching.vacancies_for_worker(placement=placement, case_id=case_id, limit=20),  # noqa: B023
        )
        await timed(
            "workers for a vacancy (top 20)",
            lambda: matching.workers_for_vacancy(placement=placement, vacancy_id=vacancy_id, limit=20),  # noqa: B023
        )
        await timed(
            "workers for a vacancy, an assistant's community only (top 20)",
            lambda: matching.workers_for_vacancy(
                placement=placement,
                vacancy_id=vacancy_id,  # noqa: B023
                limit=20,
                within=ASSISTANTS_CASES,
            ),
        )
    for _ in range(UNFILTERED_REPEATS):
        case_id, vacancy_id = rng.choice(case_ids), rng.choice(vacancy_ids)
        await timed(
            "no pre-filter: every open vacancy for a worker",
            lambda: unfiltered_vacancies_for_worker(placement, case_id),  # noqa: B023
        )
        await timed(
            "no pre-filter: every open worker for a vacancy",
            lambda: unfiltered_workers_for_vacancy(placement, vacancy_id),  # noqa: B023
        )
    await engine.dispose()
    return timings


def summary(timings: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(sorted(values)[math.ceil(0.95 * len(values)) - 1], 2),
            "runs": len(values),
        }
        for name, values in timings.items()
    }


async def run_engine(kind: str, directory: Path) -> dict[str, dict[str, float]]:
    async def on(url: str) -> dict[str, dict[str, float]]:
        await upgrade(MIGRATIONS, url)
        started = time.perf_counter()
        case_ids, vacancy_ids = await fill(url)
        sys.stdout.write(
            f"{kind}: {WORKERS:,} workers and {VACANCIES:,} vacancies inserted in "
            f"{time.perf_counter() - started:.0f} s\n"
        )
        sys.stdout.flush()
        return summary(await measure(url, case_ids, vacancy_ids))

    if kind == "sqlite":
        return await on(f"sqlite+aiosqlite:///{directory / 'bench.db'}")
    async with postgres_database() as url:
        return await on(url)


def main() -> None:
    results = {}
    with tempfile.TemporaryDirectory(prefix="reemploy-matching-bench-") as directory:
        for kind in ENGINES:
            results[kind] = asyncio.run(run_engine(kind, Path(directory)))
    for kind, figures in results.items():
        sys.stdout.write(f"\nMatching, {WORKERS:,} workers x {VACANCIES:,} vacancies, {kind}:\n")
        for name, figure in figures.items():
            sys.stdout.write(
                f"  {name:<48} p50 {figure['p50_ms']:8.2f} ms   p95 {figure['p95_ms']:8.2f} ms"
                f"   ({figure['runs']} runs)\n"
            )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"workers": WORKERS, "vacancies": VACANCIES, "results": results}, indent=2) + "\n"
    )
    sys.stdout.write(f"\nFigures saved to {RESULTS}\n")


if __name__ == "__main__":
    main()
