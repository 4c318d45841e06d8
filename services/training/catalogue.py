"""Providers with their accreditation, and the course catalogue."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from contracts.ids import uuid7
from services.common.errors import DomainError
from services.common.transitions import move
from services.training.collaborators import Training
from services.training.domain import ACCREDITATION_TRANSITIONS, Accreditation
from services.training.guards import require_course, require_provider
from services.training.models import Course, Provider
from services.training.schemas import AccreditationChange, CompletionRuleIn, CourseIn, CourseOut, ProviderIn


async def register_provider(*, training: Training, provider: ProviderIn) -> Provider:
    """A new provider starts pending: it publishes classes once accredited."""
    row = Provider(
        provider_id=str(uuid7()),
        name=provider.name,
        kind=provider.kind.value,
        address=provider.address,
        contacts=[contact.model_dump() for contact in provider.contacts],
        accreditation=Accreditation.PENDING.value,
        accredited_until=None,
        registered_at=training.clock(),
    )
    async with training.sessions.begin() as session:
        session.add(row)
    return row


async def change_accreditation(
    *, training: Training, provider_id: str, change: AccreditationChange
) -> Provider:
    async with training.sessions.begin() as session:
        provider = await require_provider(session, provider_id)
        status = move(
            ACCREDITATION_TRANSITIONS,
            Accreditation(provider.accreditation),
            change.action,
            what="accreditation",
        )
        if change.valid_until is not None and change.valid_until < training.today():
            raise DomainError(
                422,
                "validation_failed",
                "The accreditation would already have expired",
                [{"field": "valid_until", "reason": "must not be in the past"}],
            )
        provider.accreditation = status.value
        if change.valid_until is not None:
            provider.accredited_until = change.valid_until
    return provider


async def get_provider(*, training: Training, provider_id: str) -> Provider:
    async with training.sessions() as session:
        return await require_provider(session, provider_id)


async def list_providers(*, training: Training) -> list[Provider]:
    async with training.sessions() as session:
        return list(await session.scalars(select(Provider).order_by(Provider.name, Provider.provider_id)))


async def add_course(*, training: Training, course: CourseIn) -> CourseOut:
    row = Course(
        course_id=str(uuid7()),
        code=course.code,
        title=course.title,
        occupation_area=course.occupation_area.value,
        hours=course.hours,
        certificate_name=course.certificate_name,
        cost_per_trainee_yuan=course.cost_per_trainee_yuan,
        skills_taught=course.skills_taught,
        minimum_attendance=course.completion_rule.minimum_attendance,
        assessment_required=course.completion_rule.assessment_required,
        active=True,
        created_at=training.clock(),
    )
    try:
        async with training.sessions.begin() as session:
            session.add(row)
    except IntegrityError as error:
        raise DomainError(
            409,
            "course_code_taken",
            f"A course with code {course.code} exists",
            details={"code": course.code},
        ) from error
    return course_view(row)


async def retire_course(*, training: Training, course_id: str) -> CourseOut:
    """The course is no longer offered: no new classes, no recommendations; its classes run on."""
    async with training.sessions.begin() as session:
        course = await require_course(session, course_id)
        course.active = False
    return course_view(course)


async def get_course(*, training: Training, course_id: str) -> CourseOut:
    async with training.sessions() as session:
        return course_view(await require_course(session, course_id))


async def list_courses(*, training: Training, occupation_area: str | None) -> list[CourseOut]:
    query = select(Course).order_by(Course.occupation_area, Course.code)
    if occupation_area is not None:
        query = query.where(Course.occupation_area == occupation_area)
    async with training.sessions() as session:
        return [course_view(row) for row in await session.scalars(query)]


def course_view(row: Course) -> CourseOut:
    return CourseOut(
        course_id=row.course_id,
        code=row.code,
        title=row.title,
        occupation_area=row.occupation_area,
        hours=row.hours,
        certificate_name=row.certificate_name,
        cost_per_trainee_yuan=row.cost_per_trainee_yuan,
        skills_taught=row.skills_taught,
        completion_rule=CompletionRuleIn(
            minimum_attendance=row.minimum_attendance, assessment_required=row.assessment_required
        ),
        active=row.active,
        created_at=row.created_at,
    )
