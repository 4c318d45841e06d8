"""Writing events to the outbox inside the caller's business transaction."""

from datetime import UTC, datetime

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.envelope import Envelope
from contracts.events import Event


class Outbox:
    """Adds events to a service's outbox table; the relay publishes them after the transaction commits."""

    def __init__(self, table: Table) -> None:
        self.table = table

    async def add(
        self,
        session: AsyncSession,
        event: Event,
        *,
        correlation_id: str,
        causation_id: str | None = None,
    ) -> Envelope:
        envelope = event.envelope(correlation_id=correlation_id, causation_id=causation_id)
        await self.add_envelope(session, envelope, topic=event.topic)
        return envelope

    async def add_envelope(self, session: AsyncSession, envelope: Envelope, *, topic: str) -> None:
        """Add an event whose envelope another party made (e.g. a workflow, which chose its id)."""
        await session.execute(
            insert(self.table).values(
                event_id=envelope.id,
                event_type=envelope.type,
                topic=topic,
                message_key=envelope.subject,
                payload=envelope.model_dump_json(),
                created_at=datetime.now(UTC),
            )
        )

    async def holds(self, session: AsyncSession, event_id: str) -> bool:
        found = await session.scalar(select(self.table.c.seq).where(self.table.c.event_id == event_id))
        return found is not None
