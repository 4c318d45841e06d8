"""Job fairs: the employers and vacancies there, the workers who came, the referrals made there."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from contracts.events.placement import JobFairAttended, JobFairScheduled
from contracts.ids import uuid7
from services.placement.collaborators import Placement
from services.placement.employers import require_verified_employer, take_part_in_fair
from services.placement.guards import require, require_open_case
from services.placement.models import JobFair, JobFairAttendance, JobFairEmployer, Referral, Vacancy
from services.placement.schemas import JobFairIn, JobFairOut


async def schedule(*, placement: Placement, fair: JobFairIn, correlation_id: str) -> JobFair:
    async with placement.sessions.begin() as session:
        record = JobFair(job_fair_id=str(uuid7()), scheduled_at=datetime.now(UTC), **fair.model_dump())
        session.add(record)
        event = JobFairScheduled(
            job_fair_id=record.job_fair_id,
            held_on=record.held_on,
            community_code=record.community_code,
            scheduled_at=record.scheduled_at,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return record


async def add_employer(*, placement: Placement, job_fair_id: str, employer_id: str) -> JobFairOut:
    """The employer takes part in the fair (once, however often it is said)."""
    async with placement.sessions.begin() as session:
        await require_verified_employer(session, employer_id)
        await take_part_in_fair(session, job_fair_id, employer_id)
    return await describe(placement=placement, job_fair_id=job_fair_id)


async def record_attendance(
    *, placement: Placement, job_fair_id: str, case_id: str, correlation_id: str
) -> tuple[JobFairOut, bool]:
    """The worker came to the fair; returns whether this was new."""
    async with placement.sessions.begin() as session:
        await require(session, JobFair, job_fair_id, what="job_fair")
        await require_open_case(session, case_id)
        new = await session.get(JobFairAttendance, (job_fair_id, case_id)) is None
        if new:
            attendance = JobFairAttendance(
                job_fair_id=job_fair_id, case_id=case_id, attended_at=datetime.now(UTC)
            )
            session.add(attendance)
            event = JobFairAttended(
                case_id=case_id, job_fair_id=job_fair_id, attended_at=attendance.attended_at
            )
            await placement.outbox.add(session, event, correlation_id=correlation_id)
    return await describe(placement=placement, job_fair_id=job_fair_id), new


async def describe(*, placement: Placement, job_fair_id: str) -> JobFairOut:
    async with placement.sessions() as session:
        fair = await require(session, JobFair, job_fair_id, what="job_fair")
        employers = await session.scalars(
            select(JobFairEmployer.employer_id)
            .where(JobFairEmployer.job_fair_id == job_fair_id)
            .order_by(JobFairEmployer.employer_id)
        )
        vacancies = await session.scalars(
            select(Vacancy.vacancy_id).where(Vacancy.job_fair_id == job_fair_id).order_by(Vacancy.vacancy_id)
        )
        attendees = await session.scalar(
            select(func.count()).where(JobFairAttendance.job_fair_id == job_fair_id)
        )
        referrals = await session.scalar(select(func.count()).where(Referral.job_fair_id == job_fair_id))
        out = JobFairOut.model_validate(fair)
        out.employer_ids = list(employers)
        out.vacancy_ids = list(vacancies)
        out.attendees = attendees or 0
        out.referrals = referrals or 0
    return out
