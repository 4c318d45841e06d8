"""INSERTs that can say ON CONFLICT, in the dialect of the session's database (SQLite or PostgreSQL)."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def upsert_into(session: AsyncSession, model: Any) -> postgresql.Insert | sqlite.Insert:
    """`INSERT INTO model`, ready for `.on_conflict_do_nothing()` or `.on_conflict_do_update()`."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
