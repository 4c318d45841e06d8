"""Working a complaint at the station: acknowledge, refer, resolve, withdraw, notes, satisfaction."""

from contracts.events.complaints import ComplaintOutcome, ComplaintStatus
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.complaints.access import Reader, require_station_staff
from services.complaints.collaborators import Station
from services.complaints.domain import StatusAction
from services.complaints.models import ComplaintAttachment, ComplaintNote, Referral
from services.complaints.schemas import (
    Acknowledgement,
    AttachmentIn,
    AttachmentOut,
    ComplaintDetails,
    NoteIn,
    NoteOut,
    ReferralIn,
    Resolution,
    SatisfactionIn,
    Withdrawal,
)
from services.complaints.service import details_of
from services.complaints.transitions import change_status, require_complaint


async def acknowledge(
    *,
    station: Station,
    complaint_id: str,
    acknowledgement: Acknowledgement,
    reader: Reader,
    correlation_id: str,
) -> ComplaintDetails:
    """A rights officer takes the complaint; this stops the acknowledgement deadline."""
    require_station_staff(reader)
    async with station.transaction() as session:
        complaint = await require_complaint(session, complaint_id)
        await change_status(
            session,
            station,
            complaint,
            StatusAction.ACKNOWLEDGE,
            actor_role=reader.role,
            correlation_id=correlation_id,
        )
        complaint.officer_id = acknowledgement.officer_id
        complaint.acknowledged_at = station.clock()
        await session.flush()
        return await details_of(session, complaint)


async def refer(
    *, station: Station, complaint_id: str, referral: ReferralIn, reader: Reader, correlation_id: str
) -> ComplaintDetails:
    """Refer the complaint to a competent agency, which then sees it and answers."""
    require_station_staff(reader)
    async with station.transaction() as session:
        complaint = await require_complaint(session, complaint_id)
        await change_status(
            session,
            station,
            complaint,
            StatusAction.REFER,
            actor_role=reader.role,
            correlation_id=correlation_id,
        )
        now = station.clock()
        complaint.referred_to = referral.agency.value
        complaint.referred_at = now
        session.add(
            Referral(
                referral_id=str(uuid7()),
                complaint_id=complaint_id,
                agency=referral.agency.value,
                note=referral.note,
                referred_at=now,
            )
        )
        await session.flush()
        return await details_of(session, complaint)


async def resolve(
    *, station: Station, complaint_id: str, resolution: Resolution, reader: Reader, correlation_id: str
) -> ComplaintDetails:
    require_station_staff(reader)
    async with station.transaction() as session:
        complaint = await require_complaint(session, complaint_id)
        await change_status(
            session,
            station,
            complaint,
            StatusAction.RESOLVE,
            actor_role=reader.role,
            correlation_id=correlation_id,
            outcome=resolution.outcome,
        )
        complaint.resolution_summary = resolution.summary
        await session.flush()
        return await details_of(session, complaint)


async def withdraw(
    *, station: Station, complaint_id: str, withdrawal: Withdrawal, reader: Reader, correlation_id: str
) -> ComplaintDetails:
    """The worker withdraws the complaint; the station records it."""
    require_station_staff(reader)
    async with station.transaction() as session:
        complaint = await require_complaint(session, complaint_id)
        await change_status(
            session,
            station,
            complaint,
            StatusAction.WITHDRAW,
            actor_role=reader.role,
            correlation_id=correlation_id,
            outcome=ComplaintOutcome.WITHDRAWN,
        )
        complaint.resolution_summary = withdrawal.reason
        await session.flush()
        return await details_of(session, complaint)


async def add_note(*, station: Station, complaint_id: str, note: NoteIn, reader: Reader) -> NoteOut:
    require_station_staff(reader)
    async with station.transaction() as session:
        await require_complaint(session, complaint_id)
        row = ComplaintNote(
            note_id=str(uuid7()),
            complaint_id=complaint_id,
            author_role=reader.role,
            author_id=note.author_id,
            text=note.text,
            written_at=station.clock(),
        )
        session.add(row)
    return NoteOut.model_validate(row, from_attributes=True)


async def add_attachment(
    *, station: Station, complaint_id: str, attachment: AttachmentIn, reader: Reader
) -> AttachmentOut:
    require_station_staff(reader)
    async with station.transaction() as session:
        await require_complaint(session, complaint_id)
        row = ComplaintAttachment(
            attachment_id=str(uuid7()),
            complaint_id=complaint_id,
            added_at=station.clock(),
            **attachment.model_dump(),
        )
        session.add(row)
    return AttachmentOut.model_validate(row, from_attributes=True)


async def record_satisfaction(
    *, station: Station, complaint_id: str, satisfaction: SatisfactionIn, reader: Reader
) -> ComplaintDetails:
    """The worker's satisfaction, asked after closing; recorded once."""
    require_station_staff(reader)
    async with station.transaction() as session:
        complaint = await require_complaint(session, complaint_id)
        if complaint.status != ComplaintStatus.CLOSED:
            raise DomainError(
                409, "complaint_not_closed", "Satisfaction is asked once the complaint is closed"
            )
        if complaint.satisfaction_recorded_at is not None:
            raise DomainError(
                409, "satisfaction_already_recorded", "The worker's satisfaction is already recorded"
            )
        complaint.satisfaction_score = satisfaction.score
        complaint.satisfaction_comment = satisfaction.comment
        complaint.satisfaction_recorded_at = station.clock()
        await session.flush()
        return await details_of(session, complaint)
