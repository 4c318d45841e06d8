"""The local view of which community each worker's case belongs to, from intake's events: registration
names the worker's community, and an assignment the community of the assistant the case moves to."""

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import CaseAssigned, WorkerRegistered
from services.benefits.models import CaseCommunity
from services.common.upserts import Upsert

_REGISTERED = Upsert(CaseCommunity, lambda insert: insert.on_conflict_do_nothing(index_elements=["case_id"]))
_ASSIGNED = Upsert(
    CaseCommunity,
    lambda insert: insert.on_conflict_do_update(
        index_elements=["case_id"],
        set_={"community_code": insert.excluded.community_code, "changed_at": insert.excluded.changed_at},
        where=CaseCommunity.__table__.c.changed_at <= insert.excluded.changed_at,
    ),
)


async def apply_registered(session: AsyncSession, event: WorkerRegistered) -> None:
    """The community registration names, unless an assignment told the case's community first."""
    await _REGISTERED.run(
        session,
        {"case_id": event.case_id, "community_code": event.community_code, "changed_at": event.registered_at},
    )


async def apply_assigned(session: AsyncSession, event: CaseAssigned) -> None:
    """The case now belongs to its assistant's community, unless a later change was applied already."""
    await _ASSIGNED.run(
        session,
        {"case_id": event.case_id, "community_code": event.community_code, "changed_at": event.assigned_at},
    )


async def community_of(session: AsyncSession, case_id: str) -> str | None:
    """The case's community, or None while intake's events about it have not arrived."""
    known = await session.get(CaseCommunity, case_id)
    return None if known is None else known.community_code
