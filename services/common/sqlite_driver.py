"""aiosqlite for SQLAlchemy, with one trip to the driver's thread a transaction instead of four a statement.

SQLAlchemy's aiosqlite adapter sends every step of a statement (open a cursor, execute, fetch, close) to
aiosqlite's thread and waits for the answer on the event loop. Each trip costs two thread switches and a
wake-up of the loop, about 80 µs of CPU on this project's machines: more than the statements themselves.

This adapter sends to the thread only what may wait on another connection: opening a transaction (`BEGIN
IMMEDIATE` waits for the file's write lock, up to the busy timeout) and whatever runs outside a transaction
(the PRAGMAs of a new connection). A transaction that holds the write lock cannot wait on anyone in WAL mode
(readers never block the writer), so its statements, COMMIT and ROLLBACK run on the event loop directly.
Streaming (server-side) cursors keep aiosqlite's own path. docs/architecture.md says why, with the figures.
"""

import collections
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

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
            if connection.in_transaction:
                outcome = _run(connection, operation, parameters, many)
            else:
                outcome = await driver._execute(_run, connection, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)


class LoopConnection(AsyncAdapt_aiosqlite_connection):
    """An aiosqlite connection whose transactions, once begun, run on the event loop."""

    __slots__ = ()
    _cursor_cls = _Cursor

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
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True
        connected: Any = await_(connection)
        return LoopConnection(self, connected)
