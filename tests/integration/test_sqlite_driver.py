"""SQLite transactions on the event loop (services/common/sqlite_driver.py), on real database files."""

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.db import SQLITE_BUSY_TIMEOUT_MS, create_engine

SCHEMA = "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)"


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'notes.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(SCHEMA))
    finally:
        await engine.dispose()
    yield url


@pytest.fixture
async def engine(database: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def trips_to_the_driver_thread(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function aiosqlite runs on its thread from now on."""
    trips: list[str] = []
    run_on_thread = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await run_on_thread(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return trips


async def test_a_transaction_on_a_free_file_never_goes_to_the_driver_thread(
    engine, trips_to_the_driver_thread
):
    async with engine.begin() as connection:
        await connection.execute(text("SELECT 1"))
    trips_to_the_driver_thread.clear()

    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('first')"))
        await connection.execute(text("UPDATE notes SET body = 'changed' WHERE body = 'first'"))
        bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()

    assert bodies == ["changed"]
    assert trips_to_the_driver_thread == []


async def test_a_begin_that_finds_the_lock_taken_waits_on_the_driver_thread_with_the_busy_timeout(
    database, engine, trips_to_the_driver_thread
):
    """Tried on the loop without waiting, the BEGIN is refused; it then waits on the thread, and the
    connection keeps the busy timeout it was opened with."""
    other = create_engine(database)
    waiting: asyncio.Task[None] | None = None
    try:
        for opened in (engine, other):
            async with opened.begin() as warm:
                await warm.execute(text("SELECT 1"))
        trips_to_the_driver_thread.clear()
        async with engine.begin() as holder:
            await holder.execute(text("INSERT INTO notes (body) VALUES ('held')"))
            waiting = asyncio.create_task(_insert(other, "waited"))
            async with asyncio.timeout(30):
                while True:
                    if trips_to_the_driver_thread:
                        break
                    await asyncio.sleep(0.01)
            assert not waiting.done()
        await waiting
        trips = list(trips_to_the_driver_thread)
        async with other.connect() as connection:
            busy_timeout = (await connection.execute(text("PRAGMA busy_timeout"))).scalar_one()
    finally:
        if waiting is not None and not waiting.done():
            waiting.cancel()
        await other.dispose()
    assert busy_timeout == SQLITE_BUSY_TIMEOUT_MS
    assert trips == ["_run"], "only the BEGIN that waited went to the thread"


async def _insert(engine: AsyncEngine, body: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})


async def test_a_statement_keeps_its_rowcount_lastrowid_and_returned_rows(engine):
    async with engine.begin() as connection:
        inserted = await connection.execute(text("INSERT INTO notes (body) VALUES ('one')"))
        assert inserted.lastrowid == 1
        await connection.execute(
            text("INSERT INTO notes (body) VALUES (:body)"), [{"body": "two"}, {"body": "3"}]
        )
        updated = await connection.execute(text("UPDATE notes SET body = body || '!' WHERE id > 1"))
        assert updated.rowcount == 2
        returned = await connection.execute(text("DELETE FROM notes WHERE id = 1 RETURNING body"))
        assert returned.scalars().all() == ["one"]
    async with engine.connect() as connection:
        remaining = (await connection.execute(text("SELECT body FROM notes ORDER BY id"))).scalars().all()
    assert remaining == ["two!", "3!"]


async def test_a_failed_statement_rolls_its_transaction_back(engine):
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO notes (body) VALUES ('kept out')"))
            await connection.execute(text("INSERT INTO notes (body) VALUES ('kept out')"))

    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES ('after')"))
        bodies = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
    assert bodies == ["after"]


async def test_a_transaction_waiting_for_the_write_lock_leaves_the_event_loop_running(database, engine):
    """Two engines on one file in one process: the second waits for the first's lock off the loop, so the
    first can go on and commit. Waiting on the loop, the two would deadlock until the busy timeout."""
    other = create_engine(database)
    try:
        async with engine.begin() as holder:
            await holder.execute(text("INSERT INTO notes (body) VALUES ('held')"))

            async def insert_after_the_holder() -> list[str]:
                async with other.begin() as waiter:
                    await waiter.execute(text("INSERT INTO notes (body) VALUES ('waited')"))
                    return list((await waiter.execute(text("SELECT body FROM notes ORDER BY id"))).scalars())

            waiting = asyncio.create_task(insert_after_the_holder())
            await asyncio.sleep(0.2)
            assert not waiting.done(), "the second transaction began while the first held the write lock"
        assert await waiting == ["held", "waited"]
    finally:
        await other.dispose()


async def test_a_streamed_result_reads_every_row(engine):
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO notes (body) VALUES (:body)"), [{"body": f"note {n}"} for n in range(150)]
        )
    async with engine.connect() as connection:
        streamed = [
            row.body async for row in await connection.stream(text("SELECT body FROM notes ORDER BY id"))
        ]
    assert streamed == [f"note {n}" for n in range(150)]
