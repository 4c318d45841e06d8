"""Placement's consumer group: intake's and training's events into the worker view, each applied once."""

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.events.intake import (
    CaseAssigned,
    CaseClosed,
    CaseReopened,
    SkillsProfileUpdated,
    WorkerRegistered,
)
from services.common.consumer import EventHandler
from services.common.inbox import Apply, Inbox, typed_effects_handler
from services.placement import models, workers

CONSUMER = "placement"

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
    return typed_effects_handler(Inbox(consumer=CONSUMER, table=models.inbox, sessions=sessions), EFFECTS)
