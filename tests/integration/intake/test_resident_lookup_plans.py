"""Finding a person's case by their resident lookup hash uses an index on both engines, whatever the case's
status: every registration and every ledger row does it, so a table scan there grows with the district."""

from sqlalchemy import exists, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.db import create_engine
from services.intake.models import WorkerCase
from services.intake.service import _known_case_query

LOOKUPS = {
    "the person's case, open or closed": _known_case_query("a-lookup"),
    "a ledger's rows at once": select(WorkerCase.case_id, WorkerCase.status).where(
        WorkerCase.resident_id_hash.in_(["a-lookup", "another"])
    ),
    "whether the person has any case": select(exists().where(WorkerCase.resident_id_hash == "a-lookup")),
}


async def plan(connection: AsyncConnection, statement: object) -> str:
    sql = str(statement.compile(connection.engine, compile_kwargs={"literal_binds": True}))  # type: ignore[attr-defined]
    if connection.dialect.name == "sqlite":
        rows = await connection.execute(text(f"EXPLAIN QUERY PLAN {sql}"))
        return "\n".join(str(row[-1]) for row in rows)
    await connection.execute(text("SET enable_seqscan = off"))
    return "\n".join(str(row[0]) for row in await connection.execute(text(f"EXPLAIN {sql}")))


async def test_a_person_is_found_by_index_not_by_reading_every_case(intake_database_url: str) -> None:
    engine = create_engine(intake_database_url)
    try:
        async with engine.connect() as connection:
            for purpose, statement in LOOKUPS.items():
                shown = await plan(connection, statement)
                assert "ix_worker_cases_resident_id_hash" in shown, (purpose, shown)
                assert "SCAN worker_cases" not in shown and "Seq Scan on worker_cases" not in shown, shown
    finally:
        await engine.dispose()
