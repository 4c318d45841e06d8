"""The checks training use cases make inside their transaction: the thing exists, the move is allowed."""

from enum import StrEnum
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.errors import DomainError
from services.training.models import Course, Enrolment, Provider, TrainingClass

Status = TypeVar("Status", bound=StrEnum)
Action = TypeVar("Action", bound=StrEnum)


async def require_provider(session: AsyncSession, provider_id: str) -> Provider:
    provider = await session.get(Provider, provider_id)
    if provider is None:
        raise DomainError(404, "provider_not_found", f"No provider {provider_id}")
    return provider


async def require_course(session: AsyncSession, course_id: str) -> Course:
    course = await session.get(Course, course_id)
    if course is None:
        raise DomainError(404, "course_not_found", f"No course {course_id}")
    return course


async def require_class(
    session: AsyncSession, class_id: str, *, provider_id: str | None = None
) -> TrainingClass:
    """The class; when `provider_id` is given, only that provider's (another's answers 404)."""
    found = await session.get(TrainingClass, class_id)
    if found is None or (provider_id is not None and found.provider_id != provider_id):
        raise DomainError(404, "class_not_found", f"No class {class_id}")
    return found


async def lock_class(
    session: AsyncSession, class_id: str, *, provider_id: str | None = None
) -> TrainingClass:
    """The class, fresh from the database and held until the transaction ends. When `provider_id` is given,
    only that provider's class: another provider's answers 404, as if it did not exist."""
    found = await session.scalar(
        select(TrainingClass)
        .where(TrainingClass.class_id == class_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None or (provider_id is not None and found.provider_id != provider_id):
        raise DomainError(404, "class_not_found", f"No class {class_id}")
    return found


async def require_enrolment(session: AsyncSession, enrolment_id: str) -> Enrolment:
    enrolment = await session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError(404, "enrolment_not_found", f"No enrolment {enrolment_id}")
    return enrolment
