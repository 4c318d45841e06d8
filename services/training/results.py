"""Concluding a class: each enrolled worker completes or fails by the course's rule; completions get
certificates with unique numbers; workers still waitlisted are let go."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.training import (
    CertificateIssued,
    ClassConcluded,
    TrainingCompleted,
    TrainingFailed,
    WithdrawalReason,
    Withdrawn,
)
from contracts.occupations import OccupationArea
from services.common.errors import DomainError
from services.common.transitions import move
from services.common.upserts import Upsert
from services.training.collaborators import Training
from services.training.domain import (
    CLASS_TRANSITIONS,
    ENROLMENT_TRANSITIONS,
    ClassAction,
    ClassStatus,
    CompletionRule,
    EnrolmentAction,
    EnrolmentStatus,
    attendance_rate,
    certificate_number,
    completion_outcome,
)
from services.training.enrolment import enrolment_view
from services.training.guards import lock_class, require_course
from services.training.models import (
    AttendanceMark,
    Certificate,
    CertificateSerial,
    ClassSession,
    Course,
    Enrolment,
)
from services.training.schemas import ClassResults, ClassResultsOut


async def conclude_class(
    *, training: Training, provider_id: str, class_id: str, results: ClassResults, correlation_id: str
) -> ClassResultsOut:
    now = training.clock()
    async with training.sessions.begin() as session:
        klass = await lock_class(session, class_id, provider_id=provider_id)
        status = move(CLASS_TRANSITIONS, ClassStatus(klass.status), ClassAction.CONCLUDE, what="class")
        last_start = await session.scalar(
            select(func.max(ClassSession.starts_at)).where(ClassSession.class_id == class_id)
        )
        if last_start is not None and last_start > now:
            raise DomainError(
                409,
                "class_not_finished",
                "Results are recorded once the last session has started",
                details={"last_session_starts_at": last_start.isoformat()},
            )
        course = await require_course(session, klass.course_id)
        rule = CompletionRule(course.minimum_attendance, course.assessment_required)
        enrolled = list(
            await session.scalars(
                select(Enrolment)
                .where(Enrolment.class_id == class_id, Enrolment.status == EnrolmentStatus.ENROLLED.value)
                .order_by(Enrolment.enrolment_id)
            )
        )
        passed = _assessments_by_enrolment(results, enrolled, rule)
        attended = await _sessions_attended(session, class_id)
        sessions = await session.scalar(select(func.count()).where(ClassSession.class_id == class_id)) or 0
        completed: list[Enrolment] = []
        failed: list[Enrolment] = []
        for enrolment in enrolled:
            rate = attendance_rate(attended.get(enrolment.enrolment_id, 0), sessions)
            outcome = completion_outcome(
                rule, rate=rate, assessment_passed=passed.get(enrolment.enrolment_id)
            )
            action = EnrolmentAction.COMPLETE if outcome is None else EnrolmentAction.FAIL
            enrolment.status = move(
                ENROLMENT_TRANSITIONS, EnrolmentStatus(enrolment.status), action, what="enrolment"
            ).value
            enrolment.attendance_rate = rate
            enrolment.assessment_passed = passed.get(enrolment.enrolment_id)
            enrolment.failure_reason = None if outcome is None else outcome.value
            enrolment.finished_at = now
            if outcome is None:
                completed.append(enrolment)
                await training.outbox.add(
                    session,
                    TrainingCompleted(
                        case_id=enrolment.case_id,
                        enrolment_id=enrolment.enrolment_id,
                        class_id=class_id,
                        course_id=course.course_id,
                        occupation_area=OccupationArea(course.occupation_area),
                        attendance_rate=rate,
                        completed_at=now,
                    ),
                    correlation_id=correlation_id,
                )
            else:
                failed.append(enrolment)
                await training.outbox.add(
                    session,
                    TrainingFailed(
                        case_id=enrolment.case_id,
                        enrolment_id=enrolment.enrolment_id,
                        class_id=class_id,
                        course_id=course.course_id,
                        reason=outcome,
                        failed_at=now,
                        attendance_rate=rate,
                    ),
                    correlation_id=correlation_id,
                )
        await _issue_certificates(training, session, course, completed, now, correlation_id)
        await _let_waitlist_go(training, session, class_id, now, correlation_id)
        klass.status = status.value
        klass.concluded_at = now
        await training.outbox.add(
            session,
            ClassConcluded(
                class_id=class_id,
                provider_id=provider_id,
                course_id=course.course_id,
                completed=len(completed),
                failed=len(failed),
                concluded_at=now,
            ),
            correlation_id=correlation_id,
        )
        await session.flush()
        return ClassResultsOut(
            class_id=class_id,
            concluded_at=now,
            completed=[await enrolment_view(session, row) for row in completed],
            failed=[await enrolment_view(session, row) for row in failed],
        )


def _assessments_by_enrolment(
    results: ClassResults, enrolled: Sequence[Enrolment], rule: CompletionRule
) -> dict[str, bool]:
    """The results by enrolment; 422 naming each result for someone not enrolled, or a missing result."""
    ids = {enrolment.enrolment_id for enrolment in enrolled}
    problems = [
        {"field": f"assessments.{index}.enrolment_id", "reason": "not enrolled in this class"}
        for index, result in enumerate(results.assessments)
        if result.enrolment_id not in ids
    ]
    passed = {result.enrolment_id: result.passed for result in results.assessments}
    if rule.assessment_required:
        problems.extend(
            {"field": "assessments", "reason": f"no result for enrolment {enrolment_id}"}
            for enrolment_id in sorted(ids - passed.keys())
        )
    if problems:
        raise DomainError(
            422, "validation_failed", "The results do not match the class's enrolments", problems
        )
    return passed


async def _sessions_attended(session: AsyncSession, class_id: str) -> dict[str, int]:
    rows = await session.execute(
        select(AttendanceMark.enrolment_id, func.count())
        .join(ClassSession, ClassSession.session_id == AttendanceMark.session_id)
        .where(ClassSession.class_id == class_id, AttendanceMark.present.is_(True))
        .group_by(AttendanceMark.enrolment_id)
    )
    return {enrolment_id: count for enrolment_id, count in rows}


async def _issue_certificates(
    training: Training,
    session: AsyncSession,
    course: Course,
    completed: Sequence[Enrolment],
    now: datetime,
    correlation_id: str,
) -> None:
    if not completed:
        return
    first = await _take_serials(session, now.year, len(completed))
    for serial, enrolment in enumerate(completed, start=first):
        certificate = Certificate(
            certificate_number=certificate_number(now.year, serial),
            enrolment_id=enrolment.enrolment_id,
            case_id=enrolment.case_id,
            course_id=course.course_id,
            certificate_name=course.certificate_name,
            occupation_area=course.occupation_area,
            issued_at=now,
        )
        session.add(certificate)
        await training.outbox.add(
            session,
            CertificateIssued(
                case_id=enrolment.case_id,
                enrolment_id=enrolment.enrolment_id,
                certificate_number=certificate.certificate_number,
                course_id=course.course_id,
                occupation_area=OccupationArea(course.occupation_area),
                certificate_name=course.certificate_name,
                issued_at=now,
            ),
            correlation_id=correlation_id,
        )


_FIRST_SERIAL_OF_YEAR = Upsert(
    CertificateSerial, lambda insert: insert.on_conflict_do_nothing(index_elements=["year"])
)


async def _take_serials(session: AsyncSession, year: int, count: int) -> int:
    """Reserve `count` consecutive serials of the year under its row lock; returns the first."""
    await _FIRST_SERIAL_OF_YEAR.run(session, {"year": year, "last_serial": 0})
    serials = await session.scalar(
        select(CertificateSerial)
        .where(CertificateSerial.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert serials is not None
    first = serials.last_serial + 1
    serials.last_serial += count
    return first


async def _let_waitlist_go(
    training: Training, session: AsyncSession, class_id: str, now: datetime, correlation_id: str
) -> None:
    """Workers still waiting when the class concludes are withdrawn with reason `class_concluded`."""
    waiting = await session.scalars(
        select(Enrolment).where(
            Enrolment.class_id == class_id, Enrolment.status == EnrolmentStatus.WAITLISTED.value
        )
    )
    for enrolment in waiting:
        enrolment.status = move(
            ENROLMENT_TRANSITIONS,
            EnrolmentStatus(enrolment.status),
            EnrolmentAction.WITHDRAW,
            what="enrolment",
        ).value
        enrolment.withdrawn_at = now
        enrolment.withdrawal_reason = WithdrawalReason.CLASS_CONCLUDED.value
        await training.outbox.add(
            session,
            Withdrawn(
                case_id=enrolment.case_id,
                enrolment_id=enrolment.enrolment_id,
                class_id=class_id,
                reason=WithdrawalReason.CLASS_CONCLUDED,
                withdrawn_at=now,
                held_place=False,
            ),
            correlation_id=correlation_id,
        )


async def certificates_of(*, training: Training, case_id: str) -> list[Certificate]:
    async with training.sessions() as session:
        return list(
            await session.scalars(
                select(Certificate).where(Certificate.case_id == case_id).order_by(Certificate.issued_at)
            )
        )


async def get_certificate(*, training: Training, certificate_number: str) -> Certificate:
    """Look a certificate up by its number, e.g. for an employer checking it."""
    async with training.sessions() as session:
        found = await session.get(Certificate, certificate_number)
        if found is None:
            raise DomainError(404, "certificate_not_found", f"No certificate {certificate_number}")
        return found
