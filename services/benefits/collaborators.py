"""What the benefits use cases work with, wired once in the composition root."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from services.common.audit import AuditLog
from services.common.errors import DomainError
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector


@dataclass(frozen=True)
class DeliveryPolicy:
    """How webhook deliveries are retried: `max_attempts` tries, exponential backoff, then dead-lettered."""

    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=1)
    timeout_seconds: float = 10.0
    batch_size: int = 50

    @property
    def lease(self) -> timedelta:
        """How long a claimed delivery is left alone by other dispatchers while one sends it."""
        return timedelta(seconds=self.timeout_seconds * 3)


@dataclass(frozen=True)
class BenefitsOffice:
    """The benefits service's collaborators: database, outbox, personal-data protector, audit log, clock."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    protector: PersonalDataProtector
    audit: AuditLog
    clock: Callable[[], datetime]
    delivery: DeliveryPolicy = DeliveryPolicy()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction; an application changed by someone else meanwhile (its version moved) is 409."""
        try:
            async with self.sessions.begin() as session:
                yield session
        except StaleDataError as error:
            raise DomainError(
                409,
                "application_changed_concurrently",
                "The application was changed meanwhile; read it and retry",
            ) from error
