"""What the complaints use cases work with, wired once in the composition root."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.common.errors import DomainError
from services.common.outbox import Outbox

if TYPE_CHECKING:
    from services.complaints.deadlines import ComplaintWorkflows


@dataclass(frozen=True)
class Station:
    """The rights-protection service station's collaborators: database, outbox, clock, complaint workflows."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    clock: Callable[[], datetime]
    workflows: "ComplaintWorkflows"

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction; a complaint changed by someone else meanwhile (its version moved) is 409."""
        try:
            async with self.sessions.begin() as session:
                yield session
        except StaleDataError as error:
            raise DomainError(
                409,
                "complaint_changed_concurrently",
                "The complaint was changed meanwhile; read it and retry",
            ) from error
