"""Leaving a class: a worker's withdrawal, a case closed in intake, a class the provider cancels.

Each releases enrolments of a class while holding the class row (`guards.lock_class`); a place freed in a
class still taking workers goes at once to the lowest waitlist ticket.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from contracts.events.training import ClassCancelled, WithdrawalReason, Withdrawn
from services.common.errors import DomainError
from services.common.outbox import Outbox
from services.common.transitions import move
from services.training.collaborators import Training
from services.training.domain import (
    ACTIVE_ENROLMENT,
    CLASS_TRANSITIONS,
    ENROLMENT_TRANSITIONS,
    ClassAction,
    ClassStatus,
    EnrolmentAction,
    EnrolmentStatus,
)
from services.training.enrolment import announce_place, enrolment_view
from services.training.guards import lock_class, require_enrolment
from services.training.models import Enrolment, TrainingClass
from services.training.schemas import CancellationOut, ClassCancellation, Withdrawal, WithdrawalOut


async def withdraw(
    *, training: Training, enrolment_id: str, withdrawal: Withdrawal, correlation_id: str
) -> WithdrawalOut:
    """Withdraw the worker with a reason; a place they held goes to the first on the waitlist."""
    now = training.clock()
    try:
        async with training.sessions.begin() as session:
            class_id = (await require_enrolment(session, enrolment_id)).class_id
            klass = await lock_class(session, class_id)
            enrolment = await _fresh(session, enrolment_id)
            promoted = await release(
                session,
                training.outbox,
                klass,
                enrolment,
                reason=withdrawal.reason,
                note=withdrawal.note,
                now=now,
                correlation_id=correlation_id,
            )
            await session.flush()
            return WithdrawalOut(
                withdrawn=await enrolment_view(session, enrolment),
                promoted=None if promoted is None else await enrolment_view(session, promoted),
            )
    except StaleDataError as error:
        raise DomainError(409, "enrolment_changed", "The enrolment changed meanwhile; reload it") from error


async def withdraw_closed_case(
    session: AsyncSession,
    outbox: Outbox,
    *,
    case_id: str,
    now: datetime,
    correlation_id: str,
    causation_id: str,
) -> None:
    """A case closed in intake leaves every class it waits for or holds a place in."""
    active = await session.execute(
        select(Enrolment.enrolment_id, Enrolment.class_id)
        .where(Enrolment.case_id == case_id, Enrolment.status.in_(ACTIVE_ENROLMENT))
        .order_by(Enrolment.class_id)
    )
    for enrolment_id, class_id in active.all():
        klass = await lock_class(session, class_id)
        await release(
            session,
            outbox,
            klass,
            await _fresh(session, enrolment_id),
            reason=WithdrawalReason.CASE_CLOSED,
            note=None,
            now=now,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )


async def cancel_class(
    *,
    training: Training,
    provider_id: str,
    class_id: str,
    cancellation: ClassCancellation,
    correlation_id: str,
) -> CancellationOut:
    """The provider cancels a class that has not concluded: everyone in it or waiting for it is withdrawn."""
    now = training.clock()
    async with training.sessions.begin() as session:
        klass = await lock_class(session, class_id, provider_id=provider_id)
        klass.status = move(
            CLASS_TRANSITIONS, ClassStatus(klass.status), ClassAction.CANCEL, what="class"
        ).value
        active = list(
            await session.scalars(
                select(Enrolment)
                .where(Enrolment.class_id == class_id, Enrolment.status.in_(ACTIVE_ENROLMENT))
                .order_by(Enrolment.enrolment_id)
            )
        )
        for enrolment in active:
            await release(
                session,
                training.outbox,
                klass,
                enrolment,
                reason=WithdrawalReason.CLASS_CANCELLED,
                note=cancellation.reason,
                now=now,
                correlation_id=correlation_id,
            )
        await training.outbox.add(
            session,
            ClassCancelled(
                class_id=class_id,
                provider_id=provider_id,
                course_id=klass.course_id,
                reason=cancellation.reason,
                withdrawn=len(active),
                cancelled_at=now,
            ),
            correlation_id=correlation_id,
        )
    return CancellationOut(class_id=class_id, cancelled_at=now, withdrawn=len(active))


async def release(
    session: AsyncSession,
    outbox: Outbox,
    klass: TrainingClass,
    enrolment: Enrolment,
    *,
    reason: WithdrawalReason,
    note: str | None,
    now: datetime,
    correlation_id: str,
    causation_id: str | None = None,
) -> Enrolment | None:
    """Withdraw one enrolment of the held class; returns whoever was promoted into the place it freed."""
    held_place = enrolment.status == EnrolmentStatus.ENROLLED.value
    enrolment.status = move(
        ENROLMENT_TRANSITIONS, EnrolmentStatus(enrolment.status), EnrolmentAction.WITHDRAW, what="enrolment"
    ).value
    enrolment.withdrawn_at = now
    enrolment.withdrawal_reason = reason.value
    enrolment.withdrawal_note = note
    await outbox.add(
        session,
        Withdrawn(
            case_id=enrolment.case_id,
            enrolment_id=enrolment.enrolment_id,
            class_id=klass.class_id,
            reason=reason,
            withdrawn_at=now,
            held_place=held_place,
        ),
        correlation_id=correlation_id,
        causation_id=causation_id,
    )
    if not held_place:
        return None
    klass.enrolled_count -= 1
    if klass.status != ClassStatus.SCHEDULED.value:
        return None
    first = await session.scalar(
        select(Enrolment)
        .where(Enrolment.class_id == klass.class_id, Enrolment.status == EnrolmentStatus.WAITLISTED.value)
        .order_by(Enrolment.waitlist_ticket)
        .limit(1)
    )
    if first is None:
        return None
    first.status = move(
        ENROLMENT_TRANSITIONS, EnrolmentStatus(first.status), EnrolmentAction.PROMOTE, what="enrolment"
    ).value
    first.enrolled_at = now
    klass.enrolled_count += 1
    await announce_place(
        session, outbox, klass, first, promoted=True, correlation_id=correlation_id, causation_id=causation_id
    )
    return first


async def _fresh(session: AsyncSession, enrolment_id: str) -> Enrolment:
    """The enrolment as committed now, read after its class was locked."""
    enrolment = await session.scalar(
        select(Enrolment)
        .where(Enrolment.enrolment_id == enrolment_id)
        .execution_options(populate_existing=True)
    )
    assert enrolment is not None
    return enrolment
