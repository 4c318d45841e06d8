"""Closing a case and re-opening it: the same case, so every record it had stays with it."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import AssignmentReason, CaseClosed, CaseReopened
from contracts.ids import uuid7
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.common.transitions import move
from services.intake import audited, network
from services.intake.collaborators import Intake
from services.intake.domain import CASE_TRANSITIONS, CaseAction, CaseStatus
from services.intake.guards import require_case
from services.intake.models import CaseStatusChange, WorkerCase
from services.intake.schemas import Closure, Reopening, StatusChange


def status_change(case: WorkerCase, reason: str, note: str = "") -> dict[str, object]:
    """The row of the case's history that records its status now."""
    return {
        "change_id": str(uuid7()),
        "case_id": case.case_id,
        "status": case.status,
        "reason": reason,
        "note": note,
        "changed_at": datetime.now(UTC),
    }


def record_status(session: AsyncSession, case: WorkerCase, reason: str, note: str = "") -> None:
    session.add(CaseStatusChange(**status_change(case, reason, note)))


async def close_case(*, intake: Intake, case_id: str, closure: Closure, caller: Caller) -> WorkerCase:
    async with intake.sessions.begin() as session:
        case = await require_case(session, case_id, caller.principal)
        await close_in(session, intake, case, closure, correlation_id=caller.access.correlation_id)
        await audited.record(
            session, intake, caller.access, AuditAction.UPDATE, audited.Resource.WORKER_CASE, [case_id]
        )
    return case


async def close_in(
    session: AsyncSession, intake: Intake, case: WorkerCase, closure: Closure, *, correlation_id: str
) -> None:
    """Close the case inside the caller's transaction, giving the assistant's place back."""
    _move(case, CaseAction.CLOSE)
    if case.assistant_id is not None:
        await network.give_back_place(session, case.assistant_id)
    record_status(session, case, closure.reason.value, closure.note)
    await intake.outbox.add(
        session,
        CaseClosed(case_id=case.case_id, reason=closure.reason, closed_at=datetime.now(UTC)),
        correlation_id=correlation_id,
    )


async def reopen_case(*, intake: Intake, case_id: str, reopening: Reopening, caller: Caller) -> WorkerCase:
    """Open the case again and give it to an assistant with room, as at registration."""
    try:
        async with intake.sessions.begin() as session:
            case = await require_case(session, case_id, caller.principal)
            _move(case, CaseAction.REOPEN)
            assistant = await network.assign_automatically(session, case.community_code)
            case.assistant_id = assistant.assistant_id if assistant else None
            record_status(session, case, reopening.reason, reopening.note)
            await intake.outbox.add(
                session,
                CaseReopened(case_id=case_id, reason=reopening.reason, reopened_at=datetime.now(UTC)),
                correlation_id=caller.access.correlation_id,
            )
            if assistant is not None:
                await intake.outbox.add(
                    session,
                    network.assignment_event(case, assistant, AssignmentReason.AUTOMATIC),
                    correlation_id=caller.access.correlation_id,
                )
            await audited.record(
                session, intake, caller.access, AuditAction.UPDATE, audited.Resource.WORKER_CASE, [case_id]
            )
    except IntegrityError as error:
        raise DomainError(409, "case_already_open", "This person has another open case") from error
    return case


async def status_history(*, intake: Intake, case_id: str, caller: Caller) -> list[StatusChange]:
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        rows = await session.scalars(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case_id)
            .order_by(CaseStatusChange.changed_at, CaseStatusChange.change_id)
        )
        history = [StatusChange.model_validate(row, from_attributes=True) for row in rows]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.STATUS_HISTORY, [case_id]
        )
        return history


def _move(case: WorkerCase, action: CaseAction) -> None:
    case.status = move(CASE_TRANSITIONS, CaseStatus(case.status), action, what="case").value
