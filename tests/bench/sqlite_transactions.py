"""Benchmark: small SQLite transactions with SQLAlchemy's stock aiosqlite adapter and with ours.

Both engines are made the same way (WAL, `BEGIN IMMEDIATE`, one connection), one with SQLAlchemy's own
aiosqlite adapter (the baseline, in the same run) and one with services/common/sqlite_driver.py, which runs a
transaction's statements on the event loop once `BEGIN IMMEDIATE` holds the write lock. Each transaction is
an insert, a read and an update, as a registration or an inbox batch writes; BENCH_SQLITE_CALLERS of them
run concurrently, BENCH_SQLITE_TRANSACTIONS in all. Prints transactions per second and CPU per transaction.
"""

import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiosqlite
import uvloop
from sqlalchemy import text
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common import db
from tests.bench import _embedded

TRANSACTIONS = int(os.environ.get("BENCH_SQLITE_TRANSACTIONS", "3000"))
CALLERS = int(os.environ.get("BENCH_SQLITE_CALLERS", "32"))


def _stock_engine(url: str) -> AsyncEngine:
    """The same engine as `db.create_engine` makes, on SQLAlchemy's own aiosqlite adapter."""
    return db.create_engine(url, module=AsyncAdapt_aiosqlite_dbapi(aiosqlite, sqlite3))


async def _transaction(engine: AsyncEngine, index: int) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": f"note {index}"})
        await connection.execute(text("SELECT count(*) FROM notes WHERE id < :id"), {"id": index})
        await connection.execute(text("UPDATE notes SET seen = seen + 1 WHERE id = :id"), {"id": index})


async def _measure(engine: AsyncEngine) -> dict[str, float]:
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, seen INTEGER DEFAULT 0)")
        )
    for index in range(200):
        await _transaction(engine, index)
    pending = iter(range(200, 200 + TRANSACTIONS))

    async def caller() -> None:
        for index in pending:
            await _transaction(engine, index)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await engine.dispose()
    return {
        "transactions_per_second": round(TRANSACTIONS / wall, 1),
        "cpu_ms_per_transaction": round(1000 * cpu / TRANSACTIONS, 3),
    }


ENGINES = (("stock aiosqlite adapter", _stock_engine), ("ours", db.create_engine))
"""The baseline first, then ours; each on a fresh database file."""


def main() -> None:
    figures: dict[str, Any] = {"transactions": TRANSACTIONS, "callers": CALLERS, "load": _embedded.load()}
    measured: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as directory:
        for name, make in ENGINES:
            url = f"sqlite+aiosqlite:///{Path(directory) / name.replace(' ', '_')}.db"
            measured[name] = uvloop.run(_measure(make(url)))
    stock, ours = measured.values()
    ratio = ours["transactions_per_second"] / stock["transactions_per_second"]
    rows = [
        f"  {name:<26} {f['transactions_per_second']:8.1f} tx/s"
        f"   {f['cpu_ms_per_transaction']:.3f} ms CPU a transaction"
        for name, f in measured.items()
    ]
    title = f"SQLite transactions (insert, read, update), {TRANSACTIONS} by {CALLERS} callers"
    sys.stdout.write("\n".join(["", title, *rows, f"  ratio to the stock adapter {ratio:.2f}", ""]))
    _embedded.save("sqlite_transactions", figures | measured | {"ratio_to_stock": round(ratio, 2)})


if __name__ == "__main__":
    main()
