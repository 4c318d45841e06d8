"""The benefits consumer group: intake's consent events into the consent view, and its registration and
assignment events into the case-community view, each applied once."""

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.events.intake import CaseAssigned, ConsentGranted, ConsentWithdrawn, WorkerRegistered
from services.benefits import communities, consents, models
from services.common.consumer import EventHandler
from services.common.inbox import Apply, Inbox, typed_effects_handler

CONSUMER = "benefits"

EFFECTS: dict[str, tuple[type[BaseModel], Apply]] = {
    ConsentGranted.event_type: (ConsentGranted, consents.apply_granted),
    ConsentWithdrawn.event_type: (ConsentWithdrawn, consents.apply_withdrawn),
    WorkerRegistered.event_type: (WorkerRegistered, communities.apply_registered),
    CaseAssigned.event_type: (CaseAssigned, communities.apply_assigned),
}
"""The events benefits applies, by type: the model that reads the data and the effect on the view."""


def build_handler(sessions: async_sessionmaker[AsyncSession]) -> EventHandler:
    return typed_effects_handler(Inbox(consumer=CONSUMER, table=models.inbox, sessions=sessions), EFFECTS)
