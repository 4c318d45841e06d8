"""Benchmark: the console's supervisor overview and target assessment at a million cases, on PostgreSQL.

Fills a fresh console database in bulk: BENCH_CASES cases (default 1,000,000) with a follow-up each (5% of
them overdue), re-employment and training achievements, escalated complaints, 700 assistants, 200
communities in 20 streets, every area's yearly targets, and the counters the consumer keeps (counted here
from those rows). Then times the pages through the whole app (ASGI, token check, queries, templates) next
to `/healthz` measured in the same run as the baseline. Prints p50/p95 and writes
docs/performance/console_pages.json. The issue's bar: p95 at most 150 ms.
"""

import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from services.common.db import create_engine
from services.common.migrations import upgrade
from services.common.settings import ServiceSettings
from services.console.app import create_app
from services.console.staff import SESSION_COOKIE
from tests.infrastructure import postgres_database
from tests.integration.console.staff_tokens import StaffTokens

CASES = int(os.environ.get("BENCH_CASES", "1000000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "40"))
YEAR = 2026
ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "docs" / "performance" / "console_pages.json"
MIGRATIONS = ROOT / "services" / "console" / "migrations"
PAGES = {
    "baseline /healthz": "/healthz",
    "supervisor overview": "/supervisor",
    "target assessment": "/targets",
}
BAR_MS = 150.0

CASE_ID = "'c0000000-0000-4000-8000-' || lpad(n::text, 12, '0')"
INDICATORS = "ARRAY['reemployed','trained','placed_4050','businesses_started','complaints_resolved']"
FILL = [
    """INSERT INTO community_streets (community_code, street_code)
       SELECT 'C' || lpad(c::text, 3, '0'), 'S' || lpad((c % 20)::text, 2, '0')
       FROM generate_series(0, 199) c""",
    """INSERT INTO assistant_views (assistant_id, community_code)
       SELECT 'a0000000-0000-4000-8000-' || lpad(a::text, 12, '0'), 'C' || lpad((a % 200)::text, 3, '0')
       FROM generate_series(0, 699) a""",
    f"""INSERT INTO case_views (case_id, community_code, assistant_id, stage, stage_sequence, status,
         aged_4050, hardship_flags, open_complaints, updated_at)
       SELECT {CASE_ID}, 'C' || lpad((n % 700 % 200)::text, 3, '0'),
         'a0000000-0000-4000-8000-' || lpad((n % 700)::text, 12, '0'),
         (ARRAY['assessment','guidance_and_plan','training','job_search','placed','follow_up',
                'stable_employment','exited'])[1 + n % 8],
         1 + n % 8, CASE WHEN n % 8 >= 6 THEN 'closed' ELSE 'open' END, n % 5 = 0, '[]', 0,
         now() - (n % 900) * interval '1 day'
       FROM generate_series(0, :cases - 1) n""",
    f"""INSERT INTO follow_up_views (task_key, case_id, due_on, sequence, subject_kind, status,
         overdue_noticed, escalated)
       SELECT 'task-' || n, {CASE_ID},
         CASE WHEN n % 20 = 0 THEN current_date - 3 ELSE current_date + (n % 180) END,
         1 + n % 3, 'hire', CASE WHEN n % 3 = 0 THEN 'completed' ELSE 'open' END, false, n % 200 = 0
       FROM generate_series(0, :cases - 1) n""",
    f"""INSERT INTO achievements (subject_id, indicator, year, case_id, community_code)
       SELECT {CASE_ID}, ({INDICATORS})[1 + n % 5], :year - (n % 3), {CASE_ID},
         'C' || lpad((n % 700 % 200)::text, 3, '0')
       FROM generate_series(0, :cases - 1, 2) n""",
    f"""INSERT INTO complaint_views (complaint_id, case_id, category, status, escalation_level, escalated_at)
       SELECT 'p' || n, {CASE_ID}, 'unpaid_wages', 'open',
         CASE WHEN n % 4 = 0 THEN 'supervisor' END, CASE WHEN n % 4 = 0 THEN now() END
       FROM generate_series(0, :cases - 1, 50) n""",
    """INSERT INTO assistant_loads (assistant_id, open_cases)
       SELECT assistant_id, count(*) FROM case_views WHERE status = 'open' GROUP BY assistant_id""",
    """INSERT INTO achievement_tallies (year, community_code, indicator, achieved)
       SELECT year, coalesce(community_code, ''), indicator, count(*) FROM achievements GROUP BY 1, 2, 3""",
    f"""INSERT INTO targets (year, area_code, indicator, area_kind, target, set_by, set_at)
       SELECT :year, code, indicator, kind, 1000, 'bench', now()
       FROM (SELECT community_code AS code, 'community' AS kind FROM community_streets
             UNION SELECT DISTINCT street_code, 'street' FROM community_streets) areas,
            unnest({INDICATORS}) indicator""",
]


async def fill(url: str) -> float:
    started = time.perf_counter()
    engine = create_engine(url)
    async with engine.begin() as connection:
        for statement in FILL:
            await connection.execute(text(statement), {"cases": CASES, "year": YEAR})
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM ANALYZE"))
    await engine.dispose()
    return time.perf_counter() - started


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(url: str) -> dict[str, dict[str, float]]:
    tokens = StaffTokens()
    app = create_app(ServiceSettings(database_url=url), verifier=tokens.verifier())
    figures: dict[str, dict[str, float]] = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
            client.cookies.set(SESSION_COOKIE, tokens.token("supervisor"))
            for name, path in PAGES.items():
                assert (await client.get(path)).status_code == 200, path
                samples = []
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    response = await client.get(path)
                    samples.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200
                figures[name] = {
                    "p50_ms": round(statistics.median(samples), 1),
                    "p95_ms": round(percentile(samples, 0.95), 1),
                }
    return figures


async def main() -> None:
    async with postgres_database() as url:
        await upgrade(MIGRATIONS, url)
        seconds = await fill(url)
        print(f"filled {CASES:,} cases on PostgreSQL in {seconds:.0f} s", file=sys.stderr)
        figures = await measure(url)
    baseline = figures["baseline /healthz"]["p50_ms"]
    for name, figure in figures.items():
        verdict = (
            "" if name.startswith("baseline") else ("  within" if figure["p95_ms"] <= BAR_MS else "  OVER")
        )
        print(
            f"{name:22} p50 {figure['p50_ms']:7.1f} ms  p95 {figure['p95_ms']:7.1f} ms  "
            f"({figure['p50_ms'] / baseline:5.1f}x baseline){verdict} the {BAR_MS:.0f} ms bar"
            if verdict
            else f"{name:22} p50 {figure['p50_ms']:7.1f} ms  p95 {figure['p95_ms']:7.1f} ms"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"cases": CASES, "repeats": REPEATS, "pages": figures}, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main())
