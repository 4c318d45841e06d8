"""Applying an event's effect at most once: the event id is recorded in the same transaction as the effect.

A consumer applies a polled batch in one transaction (`InboxHandler.apply_batch`): one read of the inbox for
the whole batch, the effects in the order they were read, one insert of the inbox rows and one commit. A batch
that fails is rolled back whole, and the consumer loop then applies its events one at a time.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from services.common.consumer import Outcome, PermanentError
from services.common.logging import correlation_id

Effect = Callable[[AsyncSession, Envelope], Awaitable[None]]

EffectFor = Callable[[Envelope], Effect | None]
"""The effect an event has on a consumer's tables, None for a type the consumer has no use for; raises
PermanentError for an event that can never be applied."""


class Inbox:
    def __init__(self, *, consumer: str, table: Table, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.consumer = consumer
        self.table = table
        self.sessions = sessions

    async def apply_once(self, envelope: Envelope, effect: Effect) -> Outcome:
        """Run `effect` unless this consumer already applied the event."""
        (outcome,) = await self.apply_all_once([(envelope, effect)])
        return outcome

    async def apply_all_once(self, events: Sequence[tuple[Envelope, Effect]]) -> list[Outcome]:
        """Run, in order and in one transaction, each effect whose event this consumer has not applied."""
        table = self.table
        async with self.sessions.begin() as session:
            seen = set(
                await session.scalars(
                    select(table.c.event_id).where(
                        table.c.consumer == self.consumer,
                        table.c.event_id.in_({envelope.id for envelope, _ in events}),
                    )
                )
            )
            outcomes: list[Outcome] = []
            received: list[dict[str, Any]] = []
            for envelope, effect in events:
                if envelope.id in seen:
                    outcomes.append("duplicate")
                    continue
                seen.add(envelope.id)
                token = correlation_id.set(envelope.correlationid)
                try:
                    await effect(session, envelope)
                finally:
                    correlation_id.reset(token)
                outcomes.append("applied")
                received.append(
                    {
                        "consumer": self.consumer,
                        "event_id": envelope.id,
                        "event_type": envelope.type,
                        "outcome": "applied",
                        "received_at": datetime.now(UTC),
                    }
                )
            if received:
                await session.execute(insert(table), received)
        return outcomes


class InboxHandler:
    """A consumer's handler: each event's effect (chosen by `effect_for`) applied once through `inbox`."""

    def __init__(self, inbox: Inbox, effect_for: EffectFor) -> None:
        self.inbox = inbox
        self.effect_for = effect_for

    async def __call__(self, envelope: Envelope) -> Outcome:
        effect = self.effect_for(envelope)
        if effect is None:
            return "ignored"
        return await self.inbox.apply_once(envelope, effect)

    async def apply_batch(self, envelopes: Sequence[Envelope]) -> list[Outcome]:
        """Apply every event of a batch in one transaction; any error leaves nothing of the batch written."""
        effects = [self.effect_for(envelope) for envelope in envelopes]
        applicable = [
            (envelope, effect)
            for envelope, effect in zip(envelopes, effects, strict=True)
            if effect is not None
        ]
        applied = iter(await self.inbox.apply_all_once(applicable) if applicable else [])
        return ["ignored" if effect is None else next(applied) for effect in effects]


Apply = Callable[[AsyncSession, Any], Awaitable[None]]
"""The effect of one event on a consumer's own tables, given the event read by its model."""


def typed_effects_handler(inbox: Inbox, effects: Mapping[str, tuple[type[BaseModel], Apply]]) -> InboxHandler:
    """A consumer that reads each known event type with its model (a mismatch is permanent: dead-letter it),
    applies its effect once through `inbox`, and ignores every other type."""

    def effect_for(envelope: Envelope) -> Effect | None:
        known = effects.get(envelope.type)
        if known is None:
            return None
        model, apply = known
        try:
            event = model.model_validate(envelope.data)
        except ValidationError as error:
            raise PermanentError(f"{envelope.type} does not match its contract: {error}") from error

        async def effect(session: AsyncSession, _envelope: Envelope) -> None:
            await apply(session, event)

        return effect

    return InboxHandler(inbox, effect_for)
