"""The one function that changes a complaint's status: by the transition table, recorded, published."""

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.complaints import (
    ComplaintCategory,
    ComplaintClosed,
    ComplaintOutcome,
    ComplaintStatus,
    ComplaintStatusChanged,
)
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.complaints.collaborators import Station
from services.complaints.domain import StatusAction, TransitionRefused, next_status
from services.complaints.models import Complaint, ComplaintStatusChange


async def require_complaint(session: AsyncSession, complaint_id: str) -> Complaint:
    """The complaint, or 404 `complaint_not_found`."""
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None:
        raise DomainError(404, "complaint_not_found", f"No complaint {complaint_id}")
    return complaint


async def change_status(
    session: AsyncSession,
    station: Station,
    complaint: Complaint,
    action: StatusAction,
    *,
    actor_role: str,
    correlation_id: str,
    outcome: ComplaintOutcome | None = None,
) -> None:
    """Move the complaint by `action` (409 `complaint_transition_refused` if the table has no such move),
    record the move, and write `status_changed` (and `closed` with its outcome) to the outbox."""
    current = ComplaintStatus(complaint.status)
    try:
        new = next_status(current, action)
    except TransitionRefused as refused:
        raise DomainError(
            409,
            "complaint_transition_refused",
            f"The complaint: {refused}",
            details={"status": current.value},
        ) from refused
    now = station.clock()
    complaint.status = new.value
    category = ComplaintCategory(complaint.category)
    session.add(
        ComplaintStatusChange(
            change_id=str(uuid7()),
            complaint_id=complaint.complaint_id,
            from_status=current.value,
            to_status=new.value,
            action=action.value,
            actor_role=actor_role,
            changed_at=now,
        )
    )
    await station.outbox.add(
        session,
        ComplaintStatusChanged(
            case_id=complaint.case_id,
            complaint_id=complaint.complaint_id,
            category=category,
            status=new,
            changed_at=now,
        ),
        correlation_id=correlation_id,
    )
    if new is not ComplaintStatus.CLOSED:
        return
    if outcome is None:
        raise ValueError("closing a complaint needs an outcome")
    complaint.outcome = outcome.value
    complaint.closed_at = now
    await station.outbox.add(
        session,
        ComplaintClosed(
            case_id=complaint.case_id,
            complaint_id=complaint.complaint_id,
            category=category,
            outcome=outcome,
            closed_at=now,
        ),
        correlation_id=correlation_id,
    )
