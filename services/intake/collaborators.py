"""What the intake use cases work with, wired once in the composition root."""

from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.journey import JourneyStatus, JourneyTimeline, UpdateOutcome
from services.common.audit import AuditLog
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector
from services.intake.domain import DEFAULT_VOTING_RULE, VotingRule


class Journeys(Protocol):
    """The worker's journey workflow: read it, and send it caseworker actions."""

    async def status(self, case_id: str) -> JourneyStatus | None: ...

    async def timeline(self, case_id: str) -> JourneyTimeline | None: ...

    async def act(self, case_id: str, update: str, request: BaseModel) -> UpdateOutcome | None: ...


@dataclass(frozen=True)
class Intake:
    """The intake service's collaborators, wired once in the composition root."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    journeys: Journeys
    personal_data: PersonalDataProtector
    audit: AuditLog
    congress_voting_rule: VotingRule = DEFAULT_VOTING_RULE
    ledger_max_rows: int = 20_000
    """Most worker rows a ledger or roster spreadsheet may hold."""
