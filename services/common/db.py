"""Async SQLAlchemy engines for SQLite (WAL, `BEGIN IMMEDIATE`, transactions on the event loop) and PostgreSQL
(asyncpg), chosen by URL."""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from services.common.sqlite_driver import LoopDBAPI

SQLITE_BUSY_TIMEOUT_MS = 30_000
_shared_sqlite_engines: dict[str, AsyncEngine] | None = None
"""Set in a process that hosts several components (`share_sqlite_engines`): one engine per database file."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def share_sqlite_engines() -> None:
    """From now on this process keeps one engine per SQLite database file for every caller.

    A process of the compact layout hosts a service's API, relay and consumers, which all write the same
    file. Each with an engine of its own, their transactions collide on the file's write lock, and the loser
    sleeps in SQLite's busy handler (1, 2, 5, 10 … ms at a time); sharing one engine, they queue in order
    on its one connection and each starts the moment the one before commits. Disposing a shared engine only
    recycles its pool, so a component that stops does not stop the others.
    """
    global _shared_sqlite_engines
    _shared_sqlite_engines = {}


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """An engine whose transactions serialise writers on SQLite and use the pool on PostgreSQL."""
    if not is_sqlite(url):
        options.setdefault("pool_size", 10)
        options.setdefault("max_overflow", 10)
        options.setdefault("pool_pre_ping", True)
        return create_async_engine(url, **options)
    if _shared_sqlite_engines is not None and not options:
        if url not in _shared_sqlite_engines:
            _shared_sqlite_engines[url] = _sqlite_engine(url)
        return _shared_sqlite_engines[url]
    return _sqlite_engine(url, **options)


def _sqlite_engine(url: str, **options: Any) -> AsyncEngine:
    options.setdefault("pool_size", 1)
    options.setdefault("max_overflow", 0)
    options.setdefault("pool_timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    options.setdefault("module", LoopDBAPI())
    engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **options)
    _make_sqlite_transactions_immediate(engine)
    return engine


def _make_sqlite_transactions_immediate(engine: AsyncEngine) -> None:
    """Take the write lock at BEGIN, so concurrent read-modify-write transactions cannot lose updates.

    SQLite has one writer at a time; a process keeps one connection (pool of 1), so its transactions queue
    in order inside the process instead of colliding on the file lock and sleeping in SQLite's busy handler.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def database_ready(engine: AsyncEngine) -> Callable[[], Awaitable[bool]]:
    """A readiness check: the database answers a trivial query."""

    async def check() -> bool:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    return check


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
