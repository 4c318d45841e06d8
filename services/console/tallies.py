"""Counters the pages read instead of counting a million rows: open cases per assistant, achievements per
year, community and indicator. Each change is one atomic `UPDATE … + delta` (or the first insert), inside
the event's transaction, so concurrent events on both engines add up exactly."""

from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.console.models import AchievementTally, AssistantLoad, CaseView

UNKNOWN_COMMUNITY = ""


async def _add(session: AsyncSession, model: Any, key: dict[str, Any], column: str, delta: int) -> None:
    """Core statements on the table: no ORM object of a counter is ever loaded while events apply, so there
    is nothing in the session to keep in step (the ORM's bulk UPDATE evaluating that cost more than the
    statement)."""
    table = model.__table__
    conditions = [table.c[name] == value for name, value in key.items()]
    counter = table.c[column]
    changed = await session.execute(update(table).where(*conditions).values({column: counter + delta}))
    if changed.rowcount:  # type: ignore[attr-defined]
        return
    try:
        async with session.begin_nested():
            await session.execute(insert(table).values({**key, column: delta}))
    except IntegrityError:
        await session.execute(update(table).where(*conditions).values({column: counter + delta}))


async def count_achievement(
    session: AsyncSession, *, year: int, community_code: str | None, indicator: str, delta: int = 1
) -> None:
    key = {"year": year, "community_code": community_code or UNKNOWN_COMMUNITY, "indicator": indicator}
    await _add(session, AchievementTally, key, "achieved", delta)


Load = tuple[str | None, str]
"""What decides whether a case counts on an assistant's load: (assistant, status)."""


def load_of(case: CaseView) -> Load:
    return case.assistant_id, case.status


async def move_load(session: AsyncSession, before: Load, case: CaseView) -> None:
    """The case's weight moves from the load it counted on before to the one it counts on now."""
    after = load_of(case)
    if before == after:
        return
    for (assistant, status), delta in ((before, -1), (after, 1)):
        if assistant is not None and status == "open":
            await _add(session, AssistantLoad, {"assistant_id": assistant}, "open_cases", delta)
