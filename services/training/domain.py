"""Pure training rules: statuses and their transition tables, the completion rule, consent, certificates."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from contracts.events.training import FailureReason


class CaseStatus(StrEnum):
    """A case as intake last published it; training only mirrors it."""

    OPEN = "open"
    CLOSED = "closed"


class VacancyStatus(StrEnum):
    """A vacancy as placement last published it: only open vacancies count as demand."""

    OPEN = "open"
    CLOSED = "closed"


class ProviderKind(StrEnum):
    VOCATIONAL_SCHOOL = "vocational_school"
    COMMUNITY_SCHOOL = "community_school"
    WORKERS_CLUB = "workers_club"
    OTHER = "other"


class Accreditation(StrEnum):
    PENDING = "pending"
    ACCREDITED = "accredited"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class AccreditationAction(StrEnum):
    ACCREDIT = "accredit"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    REVOKE = "revoke"


ACCREDITATION_TRANSITIONS: dict[tuple[Accreditation, AccreditationAction], Accreditation] = {
    (Accreditation.PENDING, AccreditationAction.ACCREDIT): Accreditation.ACCREDITED,
    (Accreditation.ACCREDITED, AccreditationAction.ACCREDIT): Accreditation.ACCREDITED,
    (Accreditation.ACCREDITED, AccreditationAction.SUSPEND): Accreditation.SUSPENDED,
    (Accreditation.SUSPENDED, AccreditationAction.REINSTATE): Accreditation.ACCREDITED,
    (Accreditation.PENDING, AccreditationAction.REVOKE): Accreditation.REVOKED,
    (Accreditation.ACCREDITED, AccreditationAction.REVOKE): Accreditation.REVOKED,
    (Accreditation.SUSPENDED, AccreditationAction.REVOKE): Accreditation.REVOKED,
}
"""A provider publishes classes only while accredited and within its accreditation's validity;
accrediting again renews the validity. Revocation is final."""


def may_publish(status: Accreditation, accredited_until: date | None, today: date) -> bool:
    return status is Accreditation.ACCREDITED and accredited_until is not None and today <= accredited_until


class ClassStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONCLUDED = "concluded"
    CANCELLED = "cancelled"


class ClassAction(StrEnum):
    CONCLUDE = "conclude"
    CANCEL = "cancel"


CLASS_TRANSITIONS: dict[tuple[ClassStatus, ClassAction], ClassStatus] = {
    (ClassStatus.SCHEDULED, ClassAction.CONCLUDE): ClassStatus.CONCLUDED,
    (ClassStatus.SCHEDULED, ClassAction.CANCEL): ClassStatus.CANCELLED,
}
"""A class takes enrolments, withdrawals and attendance while scheduled; its results conclude it, or its
provider cancels it."""


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    FAILED = "failed"


class EnrolmentAction(StrEnum):
    PROMOTE = "promote"
    WITHDRAW = "withdraw"
    COMPLETE = "complete"
    FAIL = "fail"


ENROLMENT_TRANSITIONS: dict[tuple[EnrolmentStatus, EnrolmentAction], EnrolmentStatus] = {
    (EnrolmentStatus.WAITLISTED, EnrolmentAction.PROMOTE): EnrolmentStatus.ENROLLED,
    (EnrolmentStatus.WAITLISTED, EnrolmentAction.WITHDRAW): EnrolmentStatus.WITHDRAWN,
    (EnrolmentStatus.ENROLLED, EnrolmentAction.WITHDRAW): EnrolmentStatus.WITHDRAWN,
    (EnrolmentStatus.ENROLLED, EnrolmentAction.COMPLETE): EnrolmentStatus.COMPLETED,
    (EnrolmentStatus.ENROLLED, EnrolmentAction.FAIL): EnrolmentStatus.FAILED,
}
"""An enrolment starts enrolled or waitlisted (by whether the class had room) and ends withdrawn,
completed or failed."""

ACTIVE_ENROLMENT = (EnrolmentStatus.ENROLLED.value, EnrolmentStatus.WAITLISTED.value)


def in_enrolment_window(today: date, opens_on: date, closes_on: date) -> bool:
    return opens_on <= today <= closes_on


DEFAULT_MINIMUM_ATTENDANCE = 0.8


@dataclass(frozen=True)
class CompletionRule:
    """A course's rule: the share of sessions attended, and whether an assessment must be passed."""

    minimum_attendance: float = DEFAULT_MINIMUM_ATTENDANCE
    assessment_required: bool = True


def attendance_rate(attended: int, sessions: int) -> float:
    """Sessions attended over the class's sessions; a session never marked counts as missed."""
    if sessions <= 0:
        return 0.0
    return round(min(attended, sessions) / sessions, 4)


def completion_outcome(
    rule: CompletionRule, *, rate: float, assessment_passed: bool | None
) -> FailureReason | None:
    """None when the worker completed; otherwise why not (attendance is checked first)."""
    if rate < rule.minimum_attendance:
        return FailureReason.ATTENDANCE_BELOW_MINIMUM
    if rule.assessment_required and not assessment_passed:
        return FailureReason.ASSESSMENT_FAILED
    return None


CONSENT_AGENCY = "labour_bureau"


@dataclass(frozen=True)
class ConsentRecord:
    agency: str
    expires_on: date
    withdrawn_at: datetime | None


def consent_in_force(consents: Iterable[ConsentRecord], today: date) -> bool:
    """Enrolment needs a consent to the labour bureau (which runs the training with its partner schools)
    that is not withdrawn and has not expired; its purpose text is not interpreted."""
    return any(
        consent.agency == CONSENT_AGENCY and consent.withdrawn_at is None and today <= consent.expires_on
        for consent in consents
    )


def certificate_number(year: int, serial: int) -> str:
    """`RT-<year>-<serial, 6 digits>`: serials count up per year and are never reused."""
    return f"RT-{year}-{serial:06d}"
