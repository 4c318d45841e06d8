"""The local view of which community each worker's case belongs to, from intake's events: registration
names the worker's community, and an assignment the community of the assistant the case moves to."""

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import CaseAssigned, WorkerRegistered
from services.benefits.models import CaseCommunity


async def apply_registered(session: AsyncSession, event: WorkerRegistered) -> None:
    if await session.get(CaseCommunity, event.case_id) is None:
        session.add(
            CaseCommunity(
                case_id=event.case_id, community_code=event.community_code, changed_at=event.registered_at
            )
        )


async def apply_assigned(session: AsyncSession, event: CaseAssigned) -> None:
    """The case now belongs to its assistant's community, unless a later change was applied already."""
    known = await session.get(CaseCommunity, event.case_id)
    if known is None:
        session.add(
            CaseCommunity(
                case_id=event.case_id, community_code=event.community_code, changed_at=event.assigned_at
            )
        )
    elif known.changed_at <= event.assigned_at:
        known.community_code = event.community_code
        known.changed_at = event.assigned_at


async def community_of(session: AsyncSession, case_id: str) -> str | None:
    """The case's community, or None while intake's events about it have not arrived."""
    known = await session.get(CaseCommunity, case_id)
    return None if known is None else known.community_code
