"""The benefits consumer group: intake's consent events into the consent view, each applied once."""

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from contracts.events.intake import ConsentGranted, ConsentWithdrawn
from services.benefits import consents, models
from services.common.consumer import EventHandler, Outcome, PermanentError
from services.common.inbox import Inbox

CONSUMER = "benefits"

Apply = Callable[[AsyncSession, Any], Awaitable[None]]

EFFECTS: dict[str, tuple[type[BaseModel], Apply]] = {
    ConsentGranted.event_type: (ConsentGranted, consents.apply_granted),
    ConsentWithdrawn.event_type: (ConsentWithdrawn, consents.apply_withdrawn),
}
"""The events benefits applies, by type: the model that reads the data and the effect on the view."""


def build_handler(sessions: async_sessionmaker[AsyncSession]) -> EventHandler:
    inbox = Inbox(consumer=CONSUMER, table=models.inbox, sessions=sessions)

    async def handle(envelope: Envelope) -> Outcome:
        known = EFFECTS.get(envelope.type)
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
