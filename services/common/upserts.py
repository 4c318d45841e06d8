"""INSERT … ON CONFLICT as Core statements, in the dialect of the session's database (SQLite or PostgreSQL).

A consumer applies the same few upserts for every registration; as Core statements on the table, with the
row passed as parameters, they cost a third of the ORM's bulk-insert path (the statement is compiled once
and cached, not keyed again on every row's values). The session does not autoflush before a Core statement,
so `run_upsert` flushes first: the upsert lands after every change made earlier in the transaction. It does
not refresh objects already loaded: load the row again (`populate_existing`) before changing it by the ORM.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_into(session: AsyncSession, model: Any) -> postgresql.Insert | sqlite.Insert:
    """`INSERT INTO` the model's table, for `.on_conflict_do_nothing()` or `.on_conflict_do_update()`."""
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


async def run_upsert(session: AsyncSession, statement: Executable, row: Mapping[str, Any]) -> Result[Any]:
    """Flush the session's pending changes, then run `statement` with `row` as its parameters."""
    await session.flush()
    return await session.execute(statement, row)
