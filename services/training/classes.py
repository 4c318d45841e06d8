"""Classes: a provider publishes a class of a catalogue course with its sessions, venue and places."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.training import ClassScheduled
from contracts.ids import uuid7
from contracts.occupations import OccupationArea
from services.common.errors import DomainError
from services.training.collaborators import Training
from services.training.domain import Accreditation, ClassStatus, EnrolmentStatus, may_publish
from services.training.guards import require_class, require_course, require_provider
from services.training.models import ClassSession, Course, Enrolment, TrainingClass
from services.training.schemas import ClassIn, ClassOut, ClassQuery, SessionOut


async def publish_class(
    *, training: Training, provider_id: str, request: ClassIn, correlation_id: str
) -> ClassOut:
    """Schedule a class; only an accredited provider within its validity may, and only of an active course."""
    now = training.clock()
    sessions = sorted(request.sessions, key=lambda session: session.starts_at)
    async with training.sessions.begin() as session:
        provider = await require_provider(session, provider_id)
        if not may_publish(Accreditation(provider.accreditation), provider.accredited_until, now.date()):
            raise DomainError(
                409,
                "provider_not_accredited",
                "Only an accredited provider may publish classes",
                details={"accreditation": provider.accreditation},
            )
        course = await require_course(session, request.course_id)
        if not course.active:
            raise DomainError(409, "course_inactive", f"Course {course.code} is no longer offered")
        row = TrainingClass(
            class_id=str(uuid7()),
            provider_id=provider_id,
            course_id=course.course_id,
            venue=request.venue,
            capacity=request.capacity,
            enrolment_opens_on=request.enrolment_opens_on,
            enrolment_closes_on=request.enrolment_closes_on,
            starts_on=sessions[0].starts_at.date(),
            ends_on=sessions[-1].ends_at.date(),
            status=ClassStatus.SCHEDULED.value,
            enrolled_count=0,
            waitlist_tickets=0,
            scheduled_at=now,
        )
        session.add(row)
        await session.flush()
        session_rows = [
            ClassSession(
                session_id=str(uuid7()),
                class_id=row.class_id,
                number=number,
                starts_at=given.starts_at,
                ends_at=given.ends_at,
                topic=given.topic,
            )
            for number, given in enumerate(sessions, start=1)
        ]
        session.add_all(session_rows)
        await training.outbox.add(
            session,
            ClassScheduled(
                class_id=row.class_id,
                provider_id=provider_id,
                course_id=course.course_id,
                occupation_area=OccupationArea(course.occupation_area),
                capacity=row.capacity,
                enrolment_opens_on=row.enrolment_opens_on,
                enrolment_closes_on=row.enrolment_closes_on,
                starts_on=row.starts_on,
                ends_on=row.ends_on,
                sessions=len(session_rows),
                scheduled_at=now,
            ),
            correlation_id=correlation_id,
        )
        return await class_view(session, row)


async def get_class(*, training: Training, class_id: str) -> ClassOut:
    async with training.sessions() as session:
        return await class_view(session, await require_class(session, class_id))


async def list_classes(*, training: Training, query: ClassQuery) -> list[ClassOut]:
    statement = select(TrainingClass).join(Course).order_by(TrainingClass.starts_on, TrainingClass.class_id)
    if query.provider_id is not None:
        statement = statement.where(TrainingClass.provider_id == query.provider_id)
    if query.course_id is not None:
        statement = statement.where(TrainingClass.course_id == query.course_id)
    if query.occupation_area is not None:
        statement = statement.where(Course.occupation_area == query.occupation_area.value)
    if query.status is not None:
        statement = statement.where(TrainingClass.status == query.status.value)
    if query.open_for_enrolment_on is not None:
        day = query.open_for_enrolment_on
        statement = statement.where(
            TrainingClass.status == ClassStatus.SCHEDULED.value,
            TrainingClass.enrolment_opens_on <= day,
            TrainingClass.enrolment_closes_on >= day,
        )
    async with training.sessions() as session:
        return [await class_view(session, row) for row in await session.scalars(statement)]


async def class_view(session: AsyncSession, row: TrainingClass) -> ClassOut:
    course = await require_course(session, row.course_id)
    sessions: Sequence[ClassSession] = (
        await session.scalars(
            select(ClassSession).where(ClassSession.class_id == row.class_id).order_by(ClassSession.number)
        )
    ).all()
    waitlisted = await session.scalar(
        select(func.count()).where(
            Enrolment.class_id == row.class_id, Enrolment.status == EnrolmentStatus.WAITLISTED.value
        )
    )
    return ClassOut(
        class_id=row.class_id,
        provider_id=row.provider_id,
        course_id=row.course_id,
        course_title=course.title,
        occupation_area=OccupationArea(course.occupation_area),
        venue=row.venue,
        capacity=row.capacity,
        enrolled=row.enrolled_count,
        waitlisted=waitlisted or 0,
        places_left=row.capacity - row.enrolled_count,
        enrolment_opens_on=row.enrolment_opens_on,
        enrolment_closes_on=row.enrolment_closes_on,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        status=ClassStatus(row.status),
        sessions=[SessionOut.model_validate(item, from_attributes=True) for item in sessions],
        scheduled_at=row.scheduled_at,
        concluded_at=row.concluded_at,
    )
