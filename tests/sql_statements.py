"""The SQL statements a block of test code sends, for tests that keep a hot path's statement count down."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """The statements every engine of this process sends while the block runs (transaction control aside)."""
    sent: list[str] = []

    def count(_conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            sent.append(" ".join(statement.split())[:90])

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", count)
