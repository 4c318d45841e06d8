"""The hash-chained audit log on SQLite and PostgreSQL: same transaction, append-only, tamper-evident."""

import asyncio

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.common.audit import AuditAction, AuditLog, Problem, verify_exported
from services.common.db import create_engine, session_factory
from services.intake.models import audit_chain_head
from services.intake.models import audit_log as records
from tests.integration.audit.conftest import access, tamper


async def append(
    audit: AuditLog, sessions: async_sessionmaker[AsyncSession], *case_ids: str, actor: str = "assistant-7"
) -> None:
    async with sessions.begin() as session:
        await audit.record(
            session,
            access(actor),
            action=AuditAction.READ,
            resource_type="worker_case",
            resource_ids=list(case_ids),
            fields=["sex", "birth_date"],
        )


async def test_records_are_chained_and_verify(audit, sessions):
    await append(audit, sessions, "case-1", "case-2")
    await append(audit, sessions, "case-3")
    report = await audit.verify(sessions)
    assert report.ok and report.records == 3 and report.head_seq == 3
    async with sessions() as session:
        rows = (await session.execute(select(records).order_by(records.c.seq))).mappings().all()
    assert rows[0]["prev_hash"] == "0" * 64
    assert [row["prev_hash"] for row in rows[1:]] == [row["hash"] for row in rows[:-1]]
    assert rows[2]["hash"] == report.head_hash
    assert [row["resource_id"] for row in rows] == ["case-1", "case-2", "case-3"]
    assert rows[0]["fields"] == '["birth_date", "sex"]' and rows[0]["actor"] == "assistant-7"


async def test_a_failing_transaction_writes_no_record(audit, sessions):
    await append(audit, sessions, "case-1")
    with pytest.raises(RuntimeError):
        async with sessions.begin() as session:
            await audit.record(
                session,
                access(),
                action=AuditAction.UPDATE,
                resource_type="worker_case",
                resource_ids=["case-2"],
                fields=["status"],
            )
            raise RuntimeError("the change failed after its audit record was written")
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(records)) == 1
        assert await session.scalar(select(audit_chain_head.c.seq)) == 1
    assert (await audit.verify(sessions)).ok


async def test_the_log_refuses_update_and_delete(audit, sessions, intake_engine):
    await append(audit, sessions, "case-1")
    for statement in (
        "UPDATE audit_log SET purpose = 'x'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_chain_head",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with intake_engine.begin() as connection:
                await connection.execute(text(statement))
    assert (await audit.verify(sessions)).ok


async def test_a_changed_record_is_found_at_its_seq(audit, sessions, intake_engine):
    await append(audit, sessions, "case-1", "case-2", "case-3", "case-4")
    await tamper(intake_engine, "UPDATE audit_log SET actor = 'nobody' WHERE seq = 3")
    report = await audit.verify(sessions)
    assert not report.ok and report.records == 2
    assert report.broken is not None and (report.broken.seq, report.broken.problem) == (3, Problem.CHANGED)


async def test_a_deleted_record_is_found(audit, sessions, intake_engine):
    await append(audit, sessions, "case-1", "case-2", "case-3", "case-4")
    await tamper(intake_engine, "DELETE FROM audit_log WHERE seq = 2")
    broken = (await audit.verify(sessions)).broken
    assert broken is not None and (broken.seq, broken.problem) == (2, Problem.MISSING)


async def test_deleting_the_newest_records_is_found(audit, sessions, intake_engine):
    await append(audit, sessions, "case-1", "case-2", "case-3")
    await tamper(intake_engine, "DELETE FROM audit_log WHERE seq = 3")
    broken = (await audit.verify(sessions)).broken
    assert broken is not None and (broken.seq, broken.problem) == (3, Problem.TRUNCATED)


async def test_renumbered_records_are_found(audit, sessions, intake_engine):
    await append(audit, sessions, "case-1", "case-2", "case-3")
    await tamper(
        intake_engine,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    broken = (await audit.verify(sessions)).broken
    assert broken is not None and (broken.seq, broken.problem) == (2, Problem.CHANGED)


async def test_concurrent_appends_from_several_processes_keep_one_chain(audit, intake_database_url):
    """Four engines (as four service processes would have), each with eight appends in flight."""
    engines: list[AsyncEngine] = [create_engine(intake_database_url) for _ in range(4)]
    try:
        await asyncio.gather(
            *(
                append(audit, session_factory(engine), f"case-{number}-{turn}", actor=f"actor-{number}")
                for number, engine in enumerate(engines)
                for turn in range(8)
            )
        )
        report = await audit.verify(session_factory(engines[0]))
    finally:
        for engine in engines:
            await engine.dispose()
    assert report.ok, report.broken
    assert report.records == report.head_seq == 32


async def test_an_export_verifies_offline_and_ends_at_the_head(audit, sessions, intake_engine):
    await append(audit, sessions, *(f"case-{n}" for n in range(1, 1201)))
    lines = [line async for line in audit.export(sessions)]
    assert len(lines) == 1200
    walker = verify_exported(lines)
    assert walker.broken is None and walker.records == 1200
    assert walker.prev_hash == (await audit.verify(sessions)).head_hash

    await tamper(intake_engine, "UPDATE audit_log SET purpose = 'curiosity' WHERE seq = 700")
    tampered = verify_exported([line async for line in audit.export(sessions)])
    assert tampered.broken is not None and (tampered.broken.seq, tampered.broken.problem) == (
        700,
        Problem.CHANGED,
    )
