"""INSERT … ON CONFLICT as Core statements, built once per dialect (SQLite or PostgreSQL).

A consumer applies the same few upserts for every registration. As Core statements on the table, with the
row passed as parameters, they cost a third of the ORM's bulk-insert path; built once, they also skip
constructing the statement and its `excluded` alias, which cost more than running it. The session does not
autoflush before a Core statement, so `Upsert.run` flushes first: the upsert lands after every change made
earlier in the transaction. It does not refresh objects already loaded: load the row again
(`populate_existing`) before changing it through the ORM.
"""

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Insert = postgresql.Insert | sqlite.Insert
"""`INSERT INTO` a table, ready for `.on_conflict_do_nothing()` or `.on_conflict_do_update()`."""


class Upsert:
    """`complete(INSERT INTO model's table)`, built the first time a session of each dialect runs it."""

    def __init__(self, model: Any, complete: Callable[[Insert], Executable]) -> None:
        self.table = model.__table__
        self.complete = complete
        self._by_dialect: dict[str, Executable] = {}

    def statement(self, session: AsyncSession) -> Executable:
        dialect = session.get_bind().dialect.name
        built = self._by_dialect.get(dialect)
        if built is None:
            insert = postgresql.insert(self.table) if dialect == "postgresql" else sqlite.insert(self.table)
            built = self._by_dialect[dialect] = self.complete(insert)
        return built

    async def run(self, session: AsyncSession, row: Mapping[str, Any]) -> Result[Any]:
        """Flush the session's pending changes, then run the upsert with `row` as its parameters."""
        await session.flush()
        return await session.execute(self.statement(session), row)
