"""Placement's consumer group: intake's and training's events into the worker view, each applied once."""

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from contracts.events.intake import (
    CaseAssigned,
    CaseClosed,
    CaseReopened,
    SkillsProfileUpdated,
    WorkerRegistered,
)
from services.common.consumer import EventHandler, Outcome, PermanentError
from services.common.inbox import Inbox
from services.placement import models, workers

CONSUMER = "placement"

Apply = Callable[[AsyncSession, Any], Awaitable[None]]

EFFECTS: dict[str, tuple[type[BaseModel], Apply]] = {
    WorkerRegistered.event_type: (WorkerRegistered, workers.apply_registration),
    SkillsProfileUpdated.event_type: (SkillsProfileUpdated, workers.apply_profile),
    CaseAssigned.event_type: (CaseAssigned, workers.apply_assignment),
    CaseClosed.event_type: (CaseClosed, workers.apply_case_open),
    CaseReopened.event_type: (CaseReopened, workers.apply_case_open),
    "training.certificate_issued.v1": (workers.CertificateIssued, workers.apply_certificate),
}
"""The events placement applies, by type: the model that reads the data and the effect on the view."""


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
