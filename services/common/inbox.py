"""Applying an event's effect at most once: the event id is recorded in the same transaction as the effect."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from services.common.consumer import Outcome

Effect = Callable[[AsyncSession, Envelope], Awaitable[None]]


class Inbox:
    def __init__(self, *, consumer: str, table: Table, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.consumer = consumer
        self.table = table
        self.sessions = sessions

    async def apply_once(self, envelope: Envelope, effect: Effect) -> Outcome:
        """Run `effect` unless this consumer already applied the event."""
        table = self.table
        async with self.sessions.begin() as session:
            seen = await session.scalar(
                select(table.c.event_id).where(
                    table.c.consumer == self.consumer, table.c.event_id == envelope.id
                )
            )
            if seen is not None:
                return "duplicate"
            await effect(session, envelope)
            await session.execute(
                insert(table).values(
                    consumer=self.consumer,
                    event_id=envelope.id,
                    event_type=envelope.type,
                    outcome="applied",
                    received_at=datetime.now(UTC),
                )
            )
        return "applied"
