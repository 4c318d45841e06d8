"""Attendance per session, recorded by the class's provider."""

from sqlalchemy import select

from contracts.events.training import AttendanceRecorded
from services.common.errors import DomainError
from services.training.collaborators import Training
from services.training.domain import ClassStatus, EnrolmentStatus
from services.training.guards import lock_class
from services.training.models import AttendanceMark, ClassSession, Enrolment
from services.training.schemas import AttendanceOut, AttendanceSheet


async def record_attendance(
    *,
    training: Training,
    provider_id: str,
    class_id: str,
    session_id: str,
    sheet: AttendanceSheet,
    correlation_id: str,
) -> AttendanceOut:
    """Mark enrolled workers present or absent at a session that has started; marking again corrects."""
    now = training.clock()
    async with training.sessions.begin() as session:
        klass = await lock_class(session, class_id, provider_id=provider_id)
        if klass.status != ClassStatus.SCHEDULED.value:
            raise DomainError(
                409, f"class_{klass.status}", f"The class is {klass.status}; attendance is final"
            )
        held = await session.get(ClassSession, session_id)
        if held is None or held.class_id != class_id:
            raise DomainError(404, "session_not_found", f"No session {session_id} in class {class_id}")
        if held.starts_at > now:
            raise DomainError(
                409,
                "session_not_started",
                "Attendance is recorded once the session has started",
                details={"starts_at": held.starts_at.isoformat()},
            )
        enrolled = set(
            await session.scalars(
                select(Enrolment.enrolment_id).where(
                    Enrolment.class_id == class_id,
                    Enrolment.status == EnrolmentStatus.ENROLLED.value,
                    Enrolment.enrolment_id.in_([mark.enrolment_id for mark in sheet.marks]),
                )
            )
        )
        problems = [
            {"field": f"marks.{index}.enrolment_id", "reason": "not enrolled in this class"}
            for index, mark in enumerate(sheet.marks)
            if mark.enrolment_id not in enrolled
        ]
        if problems:
            raise DomainError(
                422, "validation_failed", "Some marks are for workers not in this class", problems
            )
        existing = {
            mark.enrolment_id: mark
            for mark in await session.scalars(
                select(AttendanceMark).where(AttendanceMark.session_id == session_id)
            )
        }
        rows = await session.execute(
            select(Enrolment.enrolment_id, Enrolment.case_id).where(Enrolment.enrolment_id.in_(enrolled))
        )
        cases = {enrolment_id: case_id for enrolment_id, case_id in rows}
        for mark in sheet.marks:
            row = existing.get(mark.enrolment_id)
            if row is None:
                session.add(
                    AttendanceMark(
                        session_id=session_id,
                        enrolment_id=mark.enrolment_id,
                        present=mark.present,
                        recorded_at=now,
                    )
                )
            else:
                row.present = mark.present
                row.recorded_at = now
            await training.outbox.add(
                session,
                AttendanceRecorded(
                    case_id=cases[mark.enrolment_id],
                    enrolment_id=mark.enrolment_id,
                    class_id=class_id,
                    session_id=session_id,
                    session_number=held.number,
                    present=mark.present,
                    recorded_at=now,
                ),
                correlation_id=correlation_id,
            )
    return AttendanceOut(
        class_id=class_id,
        session_id=session_id,
        number=held.number,
        marked=len(sheet.marks),
        present=sum(mark.present for mark in sheet.marks),
    )
