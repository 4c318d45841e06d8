"""Filing complaints and reading them: details for those allowed, progress for the workflow, lists."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.complaint_workflow import ComplaintAction, ComplaintProgress
from contracts.events.complaints import ComplaintOpened, ComplaintStatus
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.complaints.access import Reader, require_details, require_progress_reader, require_station_staff
from services.complaints.collaborators import Station
from services.complaints.domain import received_at_problem
from services.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintNote,
    ComplaintStatusChange,
    RecordedAction,
    Referral,
)
from services.complaints.schemas import (
    AttachmentOut,
    ComplaintDetails,
    ComplaintFiling,
    ComplaintPage,
    ComplaintQuery,
    ComplaintSummary,
    Employer,
    NoteOut,
    ReferralOut,
    Satisfaction,
    StatusChangeOut,
)
from services.complaints.transitions import require_complaint

FILED_ACTOR = "filer"


async def file_complaint(
    *, station: Station, filing: ComplaintFiling, correlation_id: str
) -> ComplaintDetails:
    """Open a complaint with its attachments' metadata, and publish that it was opened (no details)."""
    now = station.clock()
    received_at = filing.received_at or now
    problem = received_at_problem(received_at, now)
    if problem is not None:
        raise DomainError(
            422,
            "validation_failed",
            "The request is not valid",
            [{"field": "received_at", "reason": problem}],
        )
    complaint_id = str(uuid7())
    async with station.transaction() as session:
        complaint = Complaint(
            complaint_id=complaint_id,
            case_id=filing.case_id,
            category=filing.category.value,
            channel=filing.channel.value,
            referring_agency=filing.referring_agency,
            employer_name=filing.employer.name,
            employer_credit_code=filing.employer.credit_code,
            narrative=filing.narrative,
            status=ComplaintStatus.OPEN.value,
            received_at=received_at,
            filed_at=now,
        )
        session.add(complaint)
        session.add(
            ComplaintStatusChange(
                change_id=str(uuid7()),
                complaint_id=complaint_id,
                from_status=None,
                to_status=ComplaintStatus.OPEN.value,
                action="file",
                actor_role=FILED_ACTOR,
                changed_at=now,
            )
        )
        session.add_all(
            ComplaintAttachment(
                attachment_id=str(uuid7()), complaint_id=complaint_id, added_at=now, **a.model_dump()
            )
            for a in filing.attachments
        )
        await station.outbox.add(
            session,
            ComplaintOpened(
                case_id=filing.case_id,
                complaint_id=complaint_id,
                category=filing.category,
                channel=filing.channel,
                opened_at=received_at,
            ),
            correlation_id=correlation_id,
        )
        await session.flush()
        return await details_of(session, complaint)


async def read_details(*, station: Station, complaint_id: str, reader: Reader) -> ComplaintDetails:
    async with station.sessions() as session:
        complaint = await require_complaint(session, complaint_id)
        require_details(reader, await referred_agencies(session, complaint_id))
        return await details_of(session, complaint)


async def read_progress(*, station: Station, complaint_id: str, reader: Reader) -> ComplaintProgress:
    require_progress_reader(reader)
    async with station.sessions() as session:
        complaint = await require_complaint(session, complaint_id)
        return ComplaintProgress(
            complaint_id=complaint.complaint_id,
            case_id=complaint.case_id,
            category=complaint.category,
            status=complaint.status,
            outcome=complaint.outcome,
            opened_at=complaint.received_at,
            acknowledged_at=complaint.acknowledged_at,
            referred_to=complaint.referred_to,
            referred_at=complaint.referred_at,
            closed_at=complaint.closed_at,
            escalation_level=complaint.escalation_level,
        )


async def list_complaints(*, station: Station, query: ComplaintQuery, reader: Reader) -> ComplaintPage:
    """Complaints matching every given filter, oldest first, a page at a time."""
    require_station_staff(reader)
    statement = select(Complaint).order_by(Complaint.complaint_id).limit(query.limit + 1)
    filters = (
        (Complaint.status, query.status),
        (Complaint.category, query.category),
        (Complaint.case_id, query.case_id),
        (Complaint.officer_id, query.officer_id),
        (Complaint.escalation_level, query.escalation_level),
    )
    for column, value in filters:
        if value is not None:
            statement = statement.where(column == str(value))
    if query.after is not None:
        statement = statement.where(Complaint.complaint_id > query.after)
    async with station.sessions() as session:
        rows = list(await session.scalars(statement))
    page = [summary_of(row) for row in rows[: query.limit]]
    return ComplaintPage(
        complaints=page, next_after=page[-1].complaint_id if len(rows) > query.limit else None
    )


async def referred_agencies(session: AsyncSession, complaint_id: str) -> set[str]:
    rows = await session.scalars(select(Referral.agency).where(Referral.complaint_id == complaint_id))
    return set(rows)


def summary_of(complaint: Complaint) -> ComplaintSummary:
    return ComplaintSummary.model_validate(complaint, from_attributes=True)


async def details_of(session: AsyncSession, complaint: Complaint) -> ComplaintDetails:
    complaint_id = complaint.complaint_id

    notes = await session.scalars(
        select(ComplaintNote)
        .where(ComplaintNote.complaint_id == complaint_id)
        .order_by(ComplaintNote.written_at)
    )
    attachments = await session.scalars(
        select(ComplaintAttachment)
        .where(ComplaintAttachment.complaint_id == complaint_id)
        .order_by(ComplaintAttachment.added_at)
    )
    referrals = await session.scalars(
        select(Referral).where(Referral.complaint_id == complaint_id).order_by(Referral.referred_at)
    )
    actions = await session.scalars(
        select(RecordedAction)
        .where(RecordedAction.complaint_id == complaint_id)
        .order_by(RecordedAction.recorded_at, RecordedAction.action_key)
    )
    history = await session.scalars(
        select(ComplaintStatusChange)
        .where(ComplaintStatusChange.complaint_id == complaint_id)
        .order_by(ComplaintStatusChange.changed_at, ComplaintStatusChange.change_id)
    )
    satisfaction = None
    if complaint.satisfaction_recorded_at is not None and complaint.satisfaction_score is not None:
        satisfaction = Satisfaction(
            score=complaint.satisfaction_score,
            comment=complaint.satisfaction_comment or "",
            recorded_at=complaint.satisfaction_recorded_at,
        )
    return ComplaintDetails(
        **summary_of(complaint).model_dump(),
        referring_agency=complaint.referring_agency,
        employer=Employer(name=complaint.employer_name, credit_code=complaint.employer_credit_code),
        narrative=complaint.narrative,
        outcome=complaint.outcome,
        resolution_summary=complaint.resolution_summary,
        filed_at=complaint.filed_at,
        acknowledged_at=complaint.acknowledged_at,
        referred_at=complaint.referred_at,
        closed_at=complaint.closed_at,
        satisfaction=satisfaction,
        notes=[NoteOut.model_validate(row, from_attributes=True) for row in notes],
        attachments=[AttachmentOut.model_validate(row, from_attributes=True) for row in attachments],
        referrals=[ReferralOut.model_validate(row, from_attributes=True) for row in referrals],
        actions=[action_of(row) for row in actions],
        history=[StatusChangeOut.model_validate(row, from_attributes=True) for row in history],
        version=complaint.version,
    )


def action_of(row: object) -> ComplaintAction:
    return ComplaintAction.model_validate(row, from_attributes=True)
