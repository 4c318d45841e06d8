"""The records the console owns (a rebuild of the read model keeps them): the leading group's yearly
targets, and which street each community belongs to."""

from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.console.models import Base, CommunityStreet, Target
from services.console.schemas import CommunityStreetIn, TargetIn

Row = TypeVar("Row", bound=Base)


async def _put(
    sessions: async_sessionmaker[AsyncSession], model: type[Row], key: dict[str, Any], values: dict[str, Any]
) -> Row:
    """Create or replace one row. Two writers at once both succeed and the last one wins: the one whose
    insert lost the race to the primary key tries again as an update."""
    for attempt in (1, 2):
        try:
            async with sessions.begin() as session:
                row = await session.get(model, tuple(key.values()))
                if row is None:
                    row = model(**key)
                    session.add(row)
                for name, value in values.items():
                    setattr(row, name, value)
            return row
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def set_target(sessions: async_sessionmaker[AsyncSession], *, target: TargetIn, set_by: str) -> Target:
    return await _put(
        sessions,
        Target,
        {"year": target.year, "area_code": target.area_code, "indicator": target.indicator.value},
        {
            "area_kind": target.area_kind.value,
            "target": target.target,
            "set_by": set_by,
            "set_at": datetime.now(UTC),
        },
    )


async def set_community_street(
    sessions: async_sessionmaker[AsyncSession], *, mapping: CommunityStreetIn
) -> CommunityStreet:
    return await _put(
        sessions,
        CommunityStreet,
        {"community_code": mapping.community_code},
        {"street_code": mapping.street_code},
    )
