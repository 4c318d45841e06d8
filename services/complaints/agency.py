"""The referred agency's side: the complaints referred to it, and its answer, which resumes the workflow."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.complaint_workflow import ReferralAgency
from services.common.errors import DomainError
from services.complaints.access import Reader, require_agency
from services.complaints.collaborators import Station
from services.complaints.domain import answer_effect
from services.complaints.models import Complaint, Referral
from services.complaints.schemas import AgencyAnswer, ComplaintDetails, ComplaintSummary
from services.complaints.service import details_of, summary_of
from services.complaints.transitions import change_status, require_complaint


async def referrals_waiting(
    *, station: Station, agency: ReferralAgency, reader: Reader
) -> list[ComplaintSummary]:
    """The complaints referred to `agency` that still wait for its answer."""
    require_agency(reader, agency.value)
    async with station.sessions() as session:
        rows = await session.scalars(
            select(Complaint)
            .join(Referral, Referral.complaint_id == Complaint.complaint_id)
            .where(Referral.agency == agency.value, Referral.answered_at.is_(None))
            .order_by(Referral.referred_at, Complaint.complaint_id)
        )
        return [summary_of(row) for row in rows]


async def answer_referral(
    *,
    station: Station,
    agency: ReferralAgency,
    complaint_id: str,
    answer: AgencyAnswer,
    reader: Reader,
    correlation_id: str,
) -> ComplaintDetails:
    """Record the agency's finding: it closes the complaint, or (`not_competent`) sends it back."""
    require_agency(reader, agency.value)
    async with station.transaction() as session:
        complaint = await require_complaint(session, complaint_id)
        referral = await _waiting_referral(session, complaint_id, agency)
        action, outcome = answer_effect(answer.finding)
        await change_status(
            session,
            station,
            complaint,
            action,
            actor_role=reader.role,
            correlation_id=correlation_id,
            outcome=outcome,
        )
        referral.finding = answer.finding.value
        referral.answer = answer.answer
        referral.answered_at = station.clock()
        complaint.referred_to = None
        if outcome is not None:
            complaint.resolution_summary = answer.answer
        await session.flush()
        return await details_of(session, complaint)


async def _waiting_referral(session: AsyncSession, complaint_id: str, agency: ReferralAgency) -> Referral:
    referral = await session.scalar(
        select(Referral).where(
            Referral.complaint_id == complaint_id,
            Referral.agency == agency.value,
            Referral.answered_at.is_(None),
        )
    )
    if referral is None:
        raise DomainError(
            409, "referral_not_waiting", f"Complaint {complaint_id} waits for no answer from {agency.value}"
        )
    return referral
