"""The caseworker network: streets, communities, labour assistants, and who carries which case.

A case goes to the least-loaded active assistant of the worker's community, then of its street. Taking a
place is one UPDATE … RETURNING that chooses the assistant, checks `open_cases < capacity` and answers who it
was, so concurrent registrations on either engine can never push an assistant past capacity. On PostgreSQL
the choice locks the chosen row (`FOR UPDATE`): a registration that waited on it sees the row as the other
left it, and takes the next assistant with room when that one has none left.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, ScalarSelect, Update, bindparam, case, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from contracts.events.intake import AssignmentReason, AssistantRegistered, CaseAssigned
from contracts.ids import uuid7
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.auth import Principal
from services.common.errors import DomainError
from services.common.http import current_correlation_id
from services.intake import audited
from services.intake.collaborators import Intake
from services.intake.guards import require_case, require_reach
from services.intake.models import Community, LabourAssistant, Street, WorkerCase
from services.intake.schemas import AssistantIn, Caseload, CommunityIn, StreetIn


def unknown(field: str, what: str) -> DomainError:
    return DomainError(
        422, "validation_failed", f"Unknown {what}", [{"field": field, "reason": f"unknown {what}"}]
    )


@dataclass(frozen=True)
class ClaimedPlace:
    """The assistant a case was given a place with."""

    assistant_id: str
    community_code: str


async def add_street(*, intake: Intake, street: StreetIn) -> Street:
    row = Street(street_code=street.street_code, name=street.name)
    await _insert_new(intake, row, "street_exists", f"Street {street.street_code} already exists")
    return row


async def add_community(*, intake: Intake, community: CommunityIn) -> Community:
    async with intake.sessions() as session:
        if await session.get(Street, community.street_code) is None:
            raise unknown("street_code", "street")
    row = Community(
        community_code=community.community_code, street_code=community.street_code, name=community.name
    )
    await _insert_new(intake, row, "community_exists", f"Community {community.community_code} already exists")
    return row


async def add_assistant(*, intake: Intake, assistant: AssistantIn) -> LabourAssistant:
    """The assistant joins the network, and `intake.assistant_registered.v1` tells the others who they are."""
    row = LabourAssistant(
        assistant_id=str(uuid7()),
        name=assistant.name,
        community_code=assistant.community_code,
        capacity=assistant.capacity,
        open_cases=0,
        active=True,
    )
    async with intake.sessions.begin() as session:
        community = await session.get(Community, assistant.community_code)
        if community is None:
            raise unknown("community_code", "community")
        session.add(row)
        registered = AssistantRegistered(
            assistant_id=row.assistant_id,
            name=row.name,
            community_code=community.community_code,
            street_code=community.street_code,
            capacity=row.capacity,
            registered_at=datetime.now(UTC),
        )
        await intake.outbox.add(session, registered, correlation_id=current_correlation_id())
    return row


async def _insert_new(intake: Intake, row: Street | Community, code: str, message: str) -> None:
    try:
        async with intake.sessions.begin() as session:
            session.add(row)
    except IntegrityError as error:
        raise DomainError(409, code, message) from error


async def assign_automatically(session: AsyncSession, community_code: str) -> ClaimedPlace | None:
    """Take a place with the best assistant for the community, inside the caller's transaction."""
    community = await session.get(Community, community_code)
    if community is None:
        raise unknown("community_code", "community")
    return await claim_place(session, community_code, community.street_code)


def _place_taken(assistant_id: ColumnElement[str]) -> Update:
    """One more open case for the assistant if they are active and have room (answering nothing yet)."""
    return (
        update(LabourAssistant)
        .where(
            LabourAssistant.assistant_id == assistant_id,
            LabourAssistant.active.is_(True),
            LabourAssistant.open_cases < LabourAssistant.capacity,
        )
        .values(open_cases=LabourAssistant.open_cases + 1)
    )


def _best_place(street: ColumnElement[str]) -> ScalarSelect[str]:
    """The least-loaded active assistant with room, of `:case_community` and then of its `street` (ties by
    id), locked on PostgreSQL until the transaction ends."""
    candidate = aliased(LabourAssistant)
    same_community_first = case((candidate.community_code == bindparam("case_community"), 0), else_=1)
    return (
        select(candidate.assistant_id)
        .join(Community, Community.community_code == candidate.community_code)
        .where(
            candidate.active.is_(True),
            candidate.open_cases < candidate.capacity,
            Community.street_code == street,
        )
        .order_by(same_community_first, candidate.open_cases, candidate.assistant_id)
        .limit(1)
        .with_for_update(of=candidate)
        .scalar_subquery()
    )


def _first_place_taken() -> Update:
    """`_place_taken` for a person (`:lookup`) who has no case yet, also answering the street of
    `:case_community`."""
    street = (
        select(Community.street_code)
        .where(Community.community_code == bindparam("case_community"))
        .scalar_subquery()
    )
    has_a_case = exists().where(WorkerCase.resident_id_hash == bindparam("lookup"))
    return _place_taken(_best_place(street)).where(~has_a_case).returning(*_CLAIMED, street)


_CLAIMED = (LabourAssistant.assistant_id, LabourAssistant.community_code)
_TAKE_BEST_PLACE = _place_taken(_best_place(bindparam("case_street"))).returning(*_CLAIMED)
_TAKE_FIRST_PLACE = _first_place_taken()
_TAKE_PLACE = _place_taken(bindparam("chosen_assistant")).returning(LabourAssistant)
"""Built once: they are the hot path of every registration, and building them costs more than running them.
The two claims run on the session's connection, as Core statements: through the ORM, each execution would
copy the statement and work out its cache key again, which cost more than the claim itself."""
_REFRESHED = {"synchronize_session": False, "populate_existing": True}


async def claim_place(session: AsyncSession, community_code: str, street_code: str) -> ClaimedPlace | None:
    """Take a place with the best assistant of the community's street; None when none has room. One
    statement."""
    params = {"case_community": community_code, "case_street": street_code}
    claimed = (await (await session.connection()).execute(_TAKE_BEST_PLACE, params)).one_or_none()
    return None if claimed is None else ClaimedPlace(*claimed)


async def claim_first_place(
    session: AsyncSession, community_code: str, lookup: str
) -> tuple[ClaimedPlace, str] | None:
    """A registration's claim: the best assistant of the community's street, and that street, if the person
    (`lookup`) has no case yet. One statement; None when they have a case, the community is unknown or
    nobody has room, and the caller reads which."""
    params = {"case_community": community_code, "lookup": lookup}
    claimed = (await (await session.connection()).execute(_TAKE_FIRST_PLACE, params)).one_or_none()
    if claimed is None:
        return None
    assistant_id, assistant_community, street_code = claimed
    return ClaimedPlace(assistant_id, assistant_community), street_code


async def _take_place(session: AsyncSession, assistant_id: str) -> LabourAssistant | None:
    """One more open case for the assistant if they are active and have room; the assistant as now stored."""
    assistant: LabourAssistant | None = await session.scalar(
        _TAKE_PLACE, {"chosen_assistant": assistant_id}, execution_options=_REFRESHED
    )
    return assistant


async def give_back_place(session: AsyncSession, assistant_id: str) -> None:
    await session.execute(
        update(LabourAssistant)
        .where(LabourAssistant.assistant_id == assistant_id, LabourAssistant.open_cases > 0)
        .values(open_cases=LabourAssistant.open_cases - 1)
        .execution_options(synchronize_session=False)
    )


def assignment_event(
    case_: WorkerCase,
    assistant: ClaimedPlace | LabourAssistant,
    reason: AssignmentReason,
    previous: str | None = None,
) -> CaseAssigned:
    return CaseAssigned(
        case_id=case_.case_id,
        assistant_id=assistant.assistant_id,
        previous_assistant_id=previous,
        community_code=assistant.community_code,
        reason=reason,
        assigned_at=datetime.now(UTC),
    )


async def reassign(*, intake: Intake, case_id: str, assistant_id: str, caller: Caller) -> WorkerCase:
    """A supervisor gives the case to another assistant, who must have room."""
    async with intake.sessions.begin() as session:
        worker_case = await require_case(session, case_id, caller.principal)
        assistant = await session.get(LabourAssistant, assistant_id)
        if assistant is None:
            raise unknown("assistant_id", "labour assistant")
        previous = worker_case.assistant_id
        if previous == assistant_id:
            return worker_case
        if await _take_place(session, assistant_id) is None:
            raise DomainError(
                409,
                "assistant_at_capacity",
                "This assistant has no room for another case",
                details={"assistant_id": assistant_id},
            )
        if previous is not None:
            await give_back_place(session, previous)
        worker_case.assistant_id = assistant_id
        await intake.outbox.add(
            session,
            assignment_event(worker_case, assistant, AssignmentReason.REASSIGNED, previous),
            correlation_id=caller.access.correlation_id,
        )
        await audited.record(
            session, intake, caller.access, AuditAction.UPDATE, audited.Resource.WORKER_CASE, [case_id]
        )
    return worker_case


async def caseload(*, intake: Intake, assistant_id: str, caller: Principal) -> Caseload:
    """The assistant's capacity and open cases, for callers who reach the cases of their community."""
    async with intake.sessions() as session:
        assistant = await session.get(LabourAssistant, assistant_id)
        if assistant is None:
            raise DomainError(404, "assistant_not_found", f"No labour assistant {assistant_id}")
        await require_reach(session, caller, assistant.community_code)
        case_ids = (
            await session.scalars(
                select(WorkerCase.case_id)
                .where(WorkerCase.assistant_id == assistant_id, WorkerCase.status == "open")
                .order_by(WorkerCase.case_id)
            )
        ).all()
    return Caseload(
        assistant_id=assistant.assistant_id,
        name=assistant.name,
        community_code=assistant.community_code,
        capacity=assistant.capacity,
        open_cases=assistant.open_cases,
        case_ids=list(case_ids),
    )
