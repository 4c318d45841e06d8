"""Reminders, escalations and satisfaction checks the `ComplaintResolution` workflow records on a complaint.

Each is recorded under a key the workflow chooses, so an activity that runs again records nothing new: the
same key with the same content answers the recorded action, with other content 409.
"""

from datetime import UTC

from sqlalchemy.exc import IntegrityError

from contracts.complaint_workflow import ActionKind, ComplaintAction, ComplaintActionRequest
from contracts.events.complaints import (
    ComplaintCategory,
    ComplaintEscalated,
    ComplaintStatus,
    EscalationLevel,
)
from services.common.errors import DomainError
from services.complaints.access import Reader, require_workflow
from services.complaints.collaborators import Station
from services.complaints.domain import higher_escalation
from services.complaints.models import RecordedAction
from services.complaints.service import action_of
from services.complaints.transitions import require_complaint


async def record_action(
    *,
    station: Station,
    complaint_id: str,
    action_key: str,
    request: ComplaintActionRequest,
    reader: Reader,
    correlation_id: str,
) -> tuple[ComplaintAction, bool]:
    """The recorded action, and whether this call recorded it (False: it was already there)."""
    require_workflow(reader)
    _check_shape(request)
    try:
        async with station.transaction() as session:
            complaint = await require_complaint(session, complaint_id)
            existing = await session.get(RecordedAction, (complaint_id, action_key))
            if existing is not None:
                return _same_or_conflict(existing, request), False
            if request.kind is ActionKind.SATISFACTION_CHECK and complaint.status != ComplaintStatus.CLOSED:
                raise DomainError(409, "complaint_not_closed", "A satisfaction check follows closing")
            row = RecordedAction(
                complaint_id=complaint_id,
                action_key=action_key,
                kind=request.kind.value,
                deadline_kind=request.deadline_kind.value if request.deadline_kind else None,
                level=request.level.value if request.level else None,
                due_at=request.due_at.astimezone(UTC),
                recorded_at=station.clock(),
            )
            session.add(row)
            if request.level is not None and complaint.status != ComplaintStatus.CLOSED:
                current = EscalationLevel(complaint.escalation_level) if complaint.escalation_level else None
                complaint.escalation_level = higher_escalation(current, request.level).value
                await station.outbox.add(
                    session,
                    ComplaintEscalated(
                        case_id=complaint.case_id,
                        complaint_id=complaint_id,
                        category=ComplaintCategory(complaint.category),
                        level=request.level,
                        escalated_at=row.recorded_at,
                    ),
                    correlation_id=correlation_id,
                )
            await session.flush()
            return action_of(row), True
    except IntegrityError:
        async with station.sessions() as session:
            raced = await session.get(RecordedAction, (complaint_id, action_key))
            if raced is None:
                raise
            return _same_or_conflict(raced, request), False


def _check_shape(request: ComplaintActionRequest) -> None:
    problems = []
    escalation = request.kind is ActionKind.ESCALATION
    if escalation != (request.level is not None):
        problems.append({"field": "level", "reason": "required for escalations and only for them"})
    if (request.kind is ActionKind.SATISFACTION_CHECK) == (request.deadline_kind is not None):
        problems.append({"field": "deadline_kind", "reason": "required for reminders and escalations only"})
    if problems:
        raise DomainError(422, "validation_failed", "The request is not valid", problems)


def _same_or_conflict(existing: RecordedAction, request: ComplaintActionRequest) -> ComplaintAction:
    recorded = action_of(existing)
    if (
        ComplaintActionRequest.model_validate(
            recorded.model_dump(include=set(ComplaintActionRequest.model_fields))
        )
        != request
    ):
        raise DomainError(
            409,
            "complaint_action_conflict",
            f"Action {existing.action_key} is already recorded with other content",
            details={"action_key": existing.action_key},
        )
    return recorded
