"""aiosqlite for SQLAlchemy, with transactions on the event loop instead of four thread trips a statement.

SQLAlchemy's aiosqlite adapter sends every step of a statement (open a cursor, execute, fetch, close) to
aiosqlite's thread and waits for the answer on the event loop. Each trip costs two thread switches and a
wake-up of the loop, about 80 µs of CPU on this project's machines: more than the statements themselves.

This adapter sends to the thread only what may wait on another connection: opening a transaction while
another connection holds the file's write lock (`BEGIN IMMEDIATE` then waits, up to the busy timeout) and
whatever runs outside a transaction (the PRAGMAs of a new connection). A `BEGIN` is first tried on the loop
without waiting; only when the lock is taken does it go to the thread to wait there. A transaction that
holds the write lock cannot wait on anyone in WAL mode (readers never block the writer), so its statements,
COMMIT and ROLLBACK run on the event loop directly. Streaming (server-side) cursors keep aiosqlite's own
path. docs/architecture.md says why, with the figures.
"""

import collections
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

SQLITE3_DEFAULT_TIMEOUT_SECONDS = 5.0
"""How long `sqlite3.connect` lets a statement wait for a lock when not told."""
Outcome = tuple[Any, Sequence[Any], int, int | None]
"""What a cursor keeps of a statement: description, rows, rowcount, lastrowid."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> Outcome:
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else ()
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _begin_without_waiting(
    connection: sqlite3.Connection, operation: str, busy_timeout_ms: int
) -> Outcome | None:
    """Run a `BEGIN` at once if no other connection holds the write lock; None, nothing begun, if one does."""
    connection.execute("PRAGMA busy_timeout = 0")
    try:
        return _run(connection, operation, (), many=False)
    except sqlite3.OperationalError as error:
        if error.sqlite_errorcode == sqlite3.SQLITE_BUSY:
            return None
        raise
    finally:
        connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")


def _is_begin(operation: str) -> bool:
    return operation.lstrip()[:5].upper() == "BEGIN"


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds a statement's whole outcome, fetched in the same step as its execution."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _async_soft_close(self) -> None:
        """Nothing to close: the sqlite3 cursor closed when the statement ran."""

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._run(operation, () if parameters is None else parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._run(operation, seq_of_parameters, many=True)

    async def _run(self, operation: str, parameters: Any, *, many: bool) -> None:
        driver = self._connection
        async with self._adapt_connection._execute_mutex:
            connection: sqlite3.Connection = driver._conn
            outcome = None
            if connection.in_transaction:
                outcome = _run(connection, operation, parameters, many)
            elif _is_begin(operation) and not parameters:
                busy_timeout_ms = cast("LoopConnection", self._adapt_connection).busy_timeout_ms
                outcome = _begin_without_waiting(connection, operation, busy_timeout_ms)
            if outcome is None:
                outcome = await driver._execute(_run, connection, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)


class LoopConnection(AsyncAdapt_aiosqlite_connection):
    """An aiosqlite connection whose transactions, once begun, run on the event loop."""

    __slots__ = ("busy_timeout_ms",)
    _cursor_cls = _Cursor

    def __init__(self, dbapi: Any, connection: Any, busy_timeout_ms: int) -> None:
        super().__init__(dbapi, connection)
        self.busy_timeout_ms = busy_timeout_ms

    def commit(self) -> None:
        self._end(sqlite3.Connection.commit)

    def rollback(self) -> None:
        self._end(sqlite3.Connection.rollback)

    def _end(self, end: Callable[[sqlite3.Connection], None]) -> None:
        """End the transaction on the loop (it never waits on another connection); nothing once closed."""
        if self._connection._connection:
            try:
                end(self._connection._conn)
            except Exception as error:
                self._handle_exception(error)


class LoopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module to hand to `create_async_engine(module=...)` for `sqlite+aiosqlite` URLs."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> LoopConnection:
        kw["check_same_thread"] = False
        busy_timeout_ms = round(1000 * kw.get("timeout", SQLITE3_DEFAULT_TIMEOUT_SECONDS))
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True
        connected: Any = await_(connection)
        return LoopConnection(self, connected, busy_timeout_ms)
