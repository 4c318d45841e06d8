"""The caseworker network: streets, communities, labour assistants, and who carries which case.

A case goes to the least-loaded active assistant of the worker's community, then of its street. Taking a
place is one conditional UPDATE (`open_cases < capacity`), so concurrent registrations on either engine can
never push an assistant past capacity: a registration that loses the race tries the next assistant.
"""

from datetime import UTC, datetime

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

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


async def assign_automatically(session: AsyncSession, community_code: str) -> LabourAssistant | None:
    """Take a place with the best assistant for the community, inside the caller's transaction."""
    community = await session.get(Community, community_code)
    if community is None:
        raise unknown("community_code", "community")
    same_community_first = case((LabourAssistant.community_code == community_code, 0), else_=1)
    candidates = (
        await session.scalars(
            select(LabourAssistant.assistant_id)
            .join(Community, Community.community_code == LabourAssistant.community_code)
            .where(
                LabourAssistant.active.is_(True),
                LabourAssistant.open_cases < LabourAssistant.capacity,
                Community.street_code == community.street_code,
            )
            .order_by(same_community_first, LabourAssistant.open_cases, LabourAssistant.assistant_id)
        )
    ).all()
    for assistant_id in candidates:
        if await _take_place(session, assistant_id):
            return await session.get(LabourAssistant, assistant_id, populate_existing=True)
    return None


async def _take_place(session: AsyncSession, assistant_id: str) -> bool:
    result = await session.execute(
        update(LabourAssistant)
        .where(
            LabourAssistant.assistant_id == assistant_id,
            LabourAssistant.active.is_(True),
            LabourAssistant.open_cases < LabourAssistant.capacity,
        )
        .values(open_cases=LabourAssistant.open_cases + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def give_back_place(session: AsyncSession, assistant_id: str) -> None:
    await session.execute(
        update(LabourAssistant)
        .where(LabourAssistant.assistant_id == assistant_id, LabourAssistant.open_cases > 0)
        .values(open_cases=LabourAssistant.open_cases - 1)
        .execution_options(synchronize_session=False)
    )


def assignment_event(
    case_: WorkerCase, assistant: LabourAssistant, reason: AssignmentReason, previous: str | None = None
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
        if not await _take_place(session, assistant_id):
            raise DomainError(
                409,
                "assistant_at_capacity",
                "This assistant has no room for another case",
                details={"assistant_id": assistant_id},
            )
        if previous is not None:
            await give_back_place(session, previous)
        worker_case.assistant_id = assistant_id
        await session.refresh(assistant)
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
