"""What the placement use cases work with, wired once in the composition root."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common.outbox import Outbox


@dataclass(frozen=True)
class Placement:
    """The placement service's collaborators."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
