"""What the training use cases work with, wired once in the composition root."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.outbox import Outbox


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Training:
    """The training service's collaborators: its database, its outbox and its clock."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    clock: Callable[[], datetime] = field(default=utc_now)

    def today(self) -> date:
        return self.clock().date()
