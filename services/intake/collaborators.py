"""What the intake use cases work with, wired once in the composition root."""

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.journey import JourneyStatus
from services.common.outbox import Outbox
from services.common.personal_data import PersonalDataProtector
from services.intake.domain import DEFAULT_VOTING_RULE, VotingRule


class JourneyReader(Protocol):
    async def status(self, case_id: str) -> JourneyStatus | None: ...


@dataclass(frozen=True)
class Intake:
    """The intake service's collaborators, wired once in the composition root."""

    sessions: async_sessionmaker[AsyncSession]
    outbox: Outbox
    journeys: JourneyReader
    personal_data: PersonalDataProtector
    congress_voting_rule: VotingRule = DEFAULT_VOTING_RULE
