"""Applying an event's effect at most once: the event id is recorded in the same transaction as the effect."""

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from services.common.consumer import EventHandler, Outcome, PermanentError

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


Apply = Callable[[AsyncSession, Any], Awaitable[None]]
"""The effect of one event on a consumer's own tables, given the event read by its model."""


def typed_effects_handler(inbox: Inbox, effects: Mapping[str, tuple[type[BaseModel], Apply]]) -> EventHandler:
    """A consumer that reads each known event type with its model (a mismatch is permanent: dead-letter it),
    applies its effect once through `inbox`, and ignores every other type."""

    async def handle(envelope: Envelope) -> Outcome:
        known = effects.get(envelope.type)
        if known is None:
            return "ignored"
        model, apply = known
        try:
            event = model.model_validate(envelope.data)
        except ValidationError as error:
            raise PermanentError(f"{envelope.type} does not match its contract: {error}") from error

        async def effect(session: AsyncSession, _envelope: Envelope) -> None:
            await apply(session, event)

        return await inbox.apply_once(envelope, effect)

    return handle
