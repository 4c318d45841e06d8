"""Guidance sessions and the individual re-employment plan, proposed, agreed by the worker, approved."""

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.intake import GuidanceSessionRecorded, PlanStatusChanged
from contracts.ids import uuid7
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.common.transitions import move
from services.intake import audited
from services.intake.collaborators import Intake
from services.intake.domain import PLAN_TRANSITIONS, PlanAction, PlanStatus
from services.intake.guards import require_case
from services.intake.models import GuidanceSession, LabourAssistant, PlanRevision
from services.intake.network import unknown
from services.intake.schemas import (
    GuidanceSessionIn,
    GuidanceSessionOut,
    PlanProposal,
    PlanRevisionOut,
)


async def record_guidance_session(
    *, intake: Intake, case_id: str, held: GuidanceSessionIn, caller: Caller
) -> GuidanceSessionOut:
    row = GuidanceSession(
        session_id=str(uuid7()),
        case_id=case_id,
        kind=held.kind.value,
        held_on=held.held_on,
        assistant_id=held.assistant_id,
        attendees=held.attendees,
        notes=held.notes,
        next_steps=held.next_steps,
        recorded_at=datetime.now(UTC),
    )
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        if await session.get(LabourAssistant, held.assistant_id) is None:
            raise unknown("assistant_id", "labour assistant")
        session.add(row)
        await intake.outbox.add(
            session,
            GuidanceSessionRecorded(
                case_id=case_id,
                session_id=row.session_id,
                kind=row.kind,
                held_on=row.held_on,
                assistant_id=row.assistant_id,
            ),
            correlation_id=caller.access.correlation_id,
        )
        await audited.record(
            session, intake, caller.access, AuditAction.CREATE, audited.Resource.GUIDANCE_SESSION, [case_id]
        )
    return _session_view(row)


async def guidance_sessions_of(*, intake: Intake, case_id: str, caller: Caller) -> list[GuidanceSessionOut]:
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        rows = await session.scalars(
            select(GuidanceSession)
            .where(GuidanceSession.case_id == case_id)
            .order_by(GuidanceSession.held_on, GuidanceSession.session_id)
        )
        held = [_session_view(row) for row in rows]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.GUIDANCE_SESSION, [case_id]
        )
        return held


def _session_view(row: GuidanceSession) -> GuidanceSessionOut:
    return GuidanceSessionOut.model_validate(row, from_attributes=True)


async def propose_plan(
    *, intake: Intake, case_id: str, proposal: PlanProposal, caller: Caller
) -> PlanRevisionOut:
    """A new revision, proposed; earlier revisions are kept as they were."""
    try:
        async with intake.sessions.begin() as session:
            await require_case(session, case_id, caller.principal)
            newest = await session.scalar(
                select(func.max(PlanRevision.revision)).where(PlanRevision.case_id == case_id)
            )
            row = PlanRevision(
                case_id=case_id,
                revision=(newest or 0) + 1,
                track=proposal.track.value,
                goals=proposal.goals,
                status=PlanStatus.PROPOSED.value,
                proposed_at=datetime.now(UTC),
            )
            session.add(row)
            await _publish_status(intake, session, row, caller.access.correlation_id)
            await audited.record(
                session, intake, caller.access, AuditAction.CREATE, audited.Resource.PLAN, [case_id]
            )
    except IntegrityError as error:
        raise DomainError(409, "plan_changed", "The plan was revised meanwhile; reload and retry") from error
    return _plan_view(row)


async def agree_plan(*, intake: Intake, case_id: str, caller: Caller) -> PlanRevisionOut:
    """The worker agrees to the newest revision."""
    return await _change_status(intake, case_id, PlanAction.WORKER_AGREES, caller, approved_by=None)


async def approve_plan(*, intake: Intake, case_id: str, caller: Caller) -> PlanRevisionOut:
    """A supervisor approves the newest revision, once the worker has agreed to it; the approver is the
    subject of the approving token."""
    return await _change_status(
        intake, case_id, PlanAction.SUPERVISOR_APPROVES, caller, approved_by=caller.principal.subject
    )


async def _change_status(
    intake: Intake, case_id: str, action: PlanAction, caller: Caller, *, approved_by: str | None
) -> PlanRevisionOut:
    async with intake.sessions.begin() as session:
        row = await _newest_revision(session, case_id, caller)
        status = move(PLAN_TRANSITIONS, PlanStatus(row.status), action, what="plan")
        now = datetime.now(UTC)
        row.status = status.value
        if status is PlanStatus.AGREED:
            row.agreed_at = now
        if status is PlanStatus.APPROVED:
            row.approved_at, row.approved_by = now, approved_by
        await _publish_status(intake, session, row, caller.access.correlation_id)
        await audited.record(
            session, intake, caller.access, AuditAction.UPDATE, audited.Resource.PLAN, [case_id]
        )
    return _plan_view(row)


async def _newest_revision(session: AsyncSession, case_id: str, caller: Caller) -> PlanRevision:
    await require_case(session, case_id, caller.principal)
    row = await session.scalar(
        select(PlanRevision)
        .where(PlanRevision.case_id == case_id)
        .order_by(PlanRevision.revision.desc())
        .limit(1)
    )
    if row is None:
        raise DomainError(404, "plan_not_proposed", f"No re-employment plan proposed for case {case_id}")
    return row


async def _publish_status(
    intake: Intake, session: AsyncSession, row: PlanRevision, correlation_id: str
) -> None:
    await intake.outbox.add(
        session,
        PlanStatusChanged(
            case_id=row.case_id,
            revision=row.revision,
            track=row.track,
            status=row.status,
            changed_at=datetime.now(UTC),
        ),
        correlation_id=correlation_id,
    )


async def current_plan(*, intake: Intake, case_id: str, caller: Caller) -> PlanRevisionOut:
    async with intake.sessions.begin() as session:
        plan = _plan_view(await _newest_revision(session, case_id, caller))
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.PLAN, [case_id]
        )
        return plan


async def plan_revisions(*, intake: Intake, case_id: str, caller: Caller) -> list[PlanRevisionOut]:
    async with intake.sessions.begin() as session:
        await require_case(session, case_id, caller.principal)
        rows = await session.scalars(
            select(PlanRevision).where(PlanRevision.case_id == case_id).order_by(PlanRevision.revision)
        )
        revisions = [_plan_view(row) for row in rows]
        await audited.record(
            session, intake, caller.access, AuditAction.READ, audited.Resource.PLAN, [case_id]
        )
        return revisions


def _plan_view(row: PlanRevision) -> PlanRevisionOut:
    return PlanRevisionOut.model_validate(row, from_attributes=True)
