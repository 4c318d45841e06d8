"""Enrolment by a labour assistant: a place, or a waitlist ticket when the class is full (leaving a class and
promotion from the waitlist are in `withdrawals`).

Every change to a class's places happens while holding the class row (`guards.lock_class`): `SELECT ...
FOR UPDATE` on PostgreSQL, and on SQLite every write transaction is `BEGIN IMMEDIATE` already. So deciding
"place or waitlist", freeing a place and promoting the next worker are serialised per class on both engines,
and the check constraint `enrolled_count <= capacity` stands behind it.
"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.training import Enrolled, Waitlisted
from contracts.ids import uuid7
from contracts.occupations import OccupationArea
from services.common.errors import DomainError
from services.common.outbox import Outbox
from services.training.collaborators import Training
from services.training.domain import (
    ACTIVE_ENROLMENT,
    CaseStatus,
    ClassStatus,
    ConsentRecord,
    EnrolmentStatus,
    consent_in_force,
    in_enrolment_window,
)
from services.training.guards import lock_class, require_class, require_course, require_enrolment
from services.training.models import Certificate, Enrolment, KnownCase, KnownConsent, TrainingClass
from services.training.schemas import EnrolmentOut, EnrolmentRequest


async def enrol(
    *, training: Training, class_id: str, request: EnrolmentRequest, correlation_id: str
) -> EnrolmentOut:
    """Give the worker a place, or the next waitlist ticket when the class is full."""
    now = training.clock()
    position = None
    try:
        async with training.sessions.begin() as session:
            await _require_eligible_case(session, request.case_id, now)
            klass = await lock_class(session, class_id)
            _require_open_for_enrolment(klass, now)
            existing = await session.scalar(
                select(Enrolment.enrolment_id).where(
                    Enrolment.class_id == class_id,
                    Enrolment.case_id == request.case_id,
                    Enrolment.status.in_(ACTIVE_ENROLMENT),
                )
            )
            if existing is not None:
                raise _already_enrolled(existing)
            enrolment = Enrolment(
                enrolment_id=str(uuid7()),
                class_id=class_id,
                case_id=request.case_id,
                assistant_id=request.assistant_id,
                requested_at=now,
            )
            if klass.enrolled_count < klass.capacity:
                klass.enrolled_count += 1
                enrolment.status = EnrolmentStatus.ENROLLED.value
                enrolment.enrolled_at = now
                session.add(enrolment)
                await announce_place(
                    session, training.outbox, klass, enrolment, promoted=False, correlation_id=correlation_id
                )
            else:
                klass.waitlist_tickets += 1
                enrolment.status = EnrolmentStatus.WAITLISTED.value
                enrolment.waitlist_ticket = klass.waitlist_tickets
                session.add(enrolment)
                position = await waitlist_position(session, enrolment)
                await training.outbox.add(
                    session,
                    Waitlisted(
                        case_id=enrolment.case_id,
                        enrolment_id=enrolment.enrolment_id,
                        class_id=class_id,
                        position=position or 1,
                        waitlisted_at=now,
                    ),
                    correlation_id=correlation_id,
                )
    except IntegrityError as error:
        raise _already_enrolled(None) from error
    return view_of(enrolment, position=position, certificate=None)


async def announce_place(
    session: AsyncSession,
    outbox: Outbox,
    klass: TrainingClass,
    enrolment: Enrolment,
    *,
    promoted: bool,
    correlation_id: str,
    causation_id: str | None = None,
) -> None:
    """The `enrolled` event of a worker who just took a place in the class."""
    course = await require_course(session, klass.course_id)
    assert enrolment.enrolled_at is not None
    await outbox.add(
        session,
        Enrolled(
            case_id=enrolment.case_id,
            enrolment_id=enrolment.enrolment_id,
            class_id=klass.class_id,
            course_id=course.course_id,
            occupation_area=OccupationArea(course.occupation_area),
            enrolled_at=enrolment.enrolled_at,
            provider_id=klass.provider_id,
            promoted_from_waitlist=promoted,
        ),
        correlation_id=correlation_id,
        causation_id=causation_id,
    )


async def _require_eligible_case(session: AsyncSession, case_id: str, now: datetime) -> None:
    """The case is known from intake's events, open, and its worker consents (see `consent_in_force`).

    The case row is held (FOR SHARE) until the enrolment commits, so a closing case applied meanwhile by the
    consumer either comes first and refuses the enrolment, or comes after and withdraws it.
    """
    case = await session.scalar(
        select(KnownCase)
        .where(KnownCase.case_id == case_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    if case is None:
        raise DomainError(
            422,
            "case_unknown",
            f"Training has not heard of case {case_id} from intake",
            [{"field": "case_id", "reason": "no such case has been registered"}],
        )
    if case.status != CaseStatus.OPEN.value:
        raise DomainError(409, "case_closed", f"Case {case_id} is closed", details={"case_id": case_id})
    consents = await session.scalars(select(KnownConsent).where(KnownConsent.case_id == case_id))
    records = [ConsentRecord(row.agency, row.expires_on, row.withdrawn_at) for row in consents]
    if not consent_in_force(records, now.date()):
        raise DomainError(
            409,
            "consent_required",
            "The worker has no consent in force to share data with the labour bureau",
            details={"case_id": case_id, "agency": "labour_bureau"},
        )


def _require_open_for_enrolment(klass: TrainingClass, now: datetime) -> None:
    if klass.status != ClassStatus.SCHEDULED.value:
        raise DomainError(
            409, f"class_{klass.status}", f"The class is {klass.status}", details={"class_id": klass.class_id}
        )
    if not in_enrolment_window(now.date(), klass.enrolment_opens_on, klass.enrolment_closes_on):
        raise DomainError(
            409,
            "enrolment_window_closed",
            "The class does not take enrolments today",
            details={
                "enrolment_opens_on": klass.enrolment_opens_on.isoformat(),
                "enrolment_closes_on": klass.enrolment_closes_on.isoformat(),
            },
        )


def _already_enrolled(enrolment_id: str | None) -> DomainError:
    details = {} if enrolment_id is None else {"enrolment_id": enrolment_id}
    return DomainError(
        409, "already_enrolled", "The worker is already enrolled or waitlisted in this class", details=details
    )


async def waitlist_position(session: AsyncSession, enrolment: Enrolment) -> int | None:
    """1 for the next worker to be promoted; None when not waiting."""
    if enrolment.status != EnrolmentStatus.WAITLISTED.value or enrolment.waitlist_ticket is None:
        return None
    ahead = await session.scalar(
        select(func.count()).where(
            Enrolment.class_id == enrolment.class_id,
            Enrolment.status == EnrolmentStatus.WAITLISTED.value,
            Enrolment.waitlist_ticket < enrolment.waitlist_ticket,
        )
    )
    return (ahead or 0) + 1


async def get_enrolment(*, training: Training, enrolment_id: str) -> EnrolmentOut:
    async with training.sessions() as session:
        return await enrolment_view(session, await require_enrolment(session, enrolment_id))


async def list_enrolments(
    *,
    training: Training,
    class_id: str | None = None,
    case_id: str | None = None,
    provider_id: str | None = None,
) -> list[EnrolmentOut]:
    """A class's enrolments (only if it is `provider_id`'s, when given), or a worker's across classes, in the
    order they were asked for."""
    query = select(Enrolment).order_by(Enrolment.requested_at, Enrolment.enrolment_id)
    async with training.sessions() as session:
        if class_id is not None:
            await require_class(session, class_id, provider_id=provider_id)
            query = query.where(Enrolment.class_id == class_id)
        if case_id is not None:
            query = query.where(Enrolment.case_id == case_id)
        return [await enrolment_view(session, row) for row in await session.scalars(query)]


async def enrolment_view(session: AsyncSession, row: Enrolment) -> EnrolmentOut:
    certificate = await session.scalar(
        select(Certificate.certificate_number).where(Certificate.enrolment_id == row.enrolment_id)
    )
    return view_of(row, position=await waitlist_position(session, row), certificate=certificate)


def view_of(row: Enrolment, *, position: int | None, certificate: str | None) -> EnrolmentOut:
    return EnrolmentOut.model_validate(
        {
            **{column: getattr(row, column) for column in _ENROLMENT_FIELDS},
            "waitlist_position": position,
            "certificate_number": certificate,
        }
    )


_ENROLMENT_FIELDS = (
    "enrolment_id",
    "class_id",
    "case_id",
    "assistant_id",
    "status",
    "requested_at",
    "enrolled_at",
    "withdrawn_at",
    "withdrawal_reason",
    "attendance_rate",
    "assessment_passed",
    "failure_reason",
    "finished_at",
)
