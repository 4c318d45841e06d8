"""Benchmark: what the audit log costs a read of a worker's case, and how fast the chain verifies.

On a fresh intake database per engine, times reading one case without the audit log (the baseline, in
the same run) and with it (the read and its hash-chained record in one transaction), one at a time and
with concurrent callers; then fills the chain to BENCH_AUDIT_RECORDS records and times verify and export.
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from services.common import scopes
from services.common.audit import Access, Actor, ActorSource, AuditAction, AuditLog
from services.common.audit_api import Caller
from services.common.auth import Principal
from services.common.db import create_engine, session_factory
from services.common.migrations import upgrade
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector
from services.intake import network, service
from services.intake.collaborators import Intake
from services.intake.models import audit_chain_head, audit_log, outbox
from services.intake.schemas import CommunityIn, StreetIn, WorkerRegistration
from tests.factories import COMMUNITY, STREET, registration
from tests.infrastructure import postgres_database

ENGINES = os.environ.get("BENCH_ENGINES", "sqlite,postgres").split(",")
REPEATS = int(os.environ.get("BENCH_REPEATS", "300"))
CALLERS = int(os.environ.get("BENCH_CALLERS", "8"))
RECORDS = int(os.environ.get("BENCH_AUDIT_RECORDS", "50000"))
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "intake" / "migrations"
CALLER = Caller(
    principal=Principal(
        subject="audit-bench",
        scopes=frozenset({scopes.CASES_READ, scopes.CASES_WRITE}),
        token_id="bench",
        expires_at=datetime.max.replace(tzinfo=UTC),
        client_kind="service",
    ),
    access=Access(Actor("audit-bench", ActorSource.TOKEN), purpose="benchmark", correlation_id="bench"),
)
"""A platform process reaching the whole district, as a service token would."""


class NoJourneys:
    async def status(self, case_id: str) -> None:
        return None

    async def timeline(self, case_id: str) -> None:
        return None

    async def act(self, case_id: str, update: str, request: object) -> None:
        return None


def percentiles(values: list[float]) -> str:
    p95 = sorted(values)[int(0.95 * (len(values) - 1))]
    return f"p50 {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms"


async def timed(read: Callable[[], Awaitable[object]]) -> list[float]:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await read()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


async def throughput(read: Callable[[], Awaitable[object]]) -> float:
    async def caller() -> None:
        for _ in range(REPEATS // CALLERS):
            await read()

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    return CALLERS * (REPEATS // CALLERS) / (time.perf_counter() - started)


async def measure(kind: str, url: str) -> None:
    await upgrade(MIGRATIONS, url)
    engine = create_engine(url)
    audit = AuditLog(audit_log, audit_chain_head)
    intake = Intake(
        sessions=session_factory(engine),
        outbox=Outbox(outbox),
        journeys=NoJourneys(),
        personal_data=PersonalDataProtector("bench"),
        audit=audit,
    )
    await network.add_street(intake=intake, street=StreetIn.model_validate(STREET))
    await network.add_community(intake=intake, community=CommunityIn.model_validate(COMMUNITY))
    registered = WorkerRegistration.model_validate(registration())
    case_id = (await service.register_worker(intake=intake, registration=registered, caller=CALLER)).case_id

    def plain() -> Awaitable[object]:
        return service.get_case(intake=intake, case_id=case_id, caller=CALLER.principal)

    def audited() -> Awaitable[object]:
        return service.read_case(intake=intake, case_id=case_id, caller=CALLER)

    out = sys.stdout
    out.write(f"\n{kind}: reading one case, {REPEATS} times\n")
    out.write(f"  baseline: read without audit          {percentiles(await timed(plain))}\n")
    out.write(f"  read + audit record, one transaction  {percentiles(await timed(audited))}\n")
    out.write(f"  {CALLERS} concurrent callers: baseline {await throughput(plain):7.0f} reads/s, ")
    out.write(f"audited {await throughput(audited):7.0f} reads/s\n")

    batch = [f"case-{number}" for number in range(500)]
    started = time.perf_counter()
    for _ in range(RECORDS // len(batch)):
        async with intake.sessions.begin() as session:
            await audit.record(
                session,
                CALLER.access,
                action=AuditAction.READ,
                resource_type="bench",
                resource_ids=batch,
                fields=["x"],
            )
    filled = time.perf_counter() - started
    started = time.perf_counter()
    report = await audit.verify(intake.sessions)
    verified = time.perf_counter() - started
    started = time.perf_counter()
    lines = sum([1 async for _ in audit.export(intake.sessions)])
    exported = time.perf_counter() - started
    assert report.ok and lines == report.records >= RECORDS
    out.write(f"  chain of {report.records:,} records (filled in {filled:.0f} s, 500 a transaction): ")
    out.write(f"verify {report.records / verified:,.0f} records/s, export {lines / exported:,.0f} lines/s\n")
    out.flush()
    await engine.dispose()


async def run_engine(kind: str, directory: Path) -> None:
    if kind == "sqlite":
        await measure(kind, f"sqlite+aiosqlite:///{directory / 'audit-bench.db'}")
        return
    async with postgres_database() as url:
        await measure(kind, url)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="reemploy-audit-bench-") as directory:
        for kind in ENGINES:
            asyncio.run(run_engine(kind, Path(directory)))


if __name__ == "__main__":
    main()
