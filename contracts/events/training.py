"""Events of the training service, published on `training.events`."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from contracts.events import CaseEvent, Event
from contracts.occupations import OccupationArea
from contracts.topics import TRAINING_EVENTS

SOURCE = "/services/training"


class ClassScheduled(Event):
    """A provider published a class of a catalogue course: its places are open for enrolment."""

    event_type = "training.class_scheduled.v1"
    topic = TRAINING_EVENTS
    source = SOURCE
    subject_field = "class_id"

    class_id: str
    provider_id: str
    course_id: str
    occupation_area: OccupationArea
    capacity: int
    enrolment_opens_on: date
    enrolment_closes_on: date
    starts_on: date
    ends_on: date
    sessions: int
    scheduled_at: datetime


class Enrolled(CaseEvent):
    """The worker holds a place in the class: enrolled directly, or promoted from the waitlist."""

    event_type = "training.enrolled.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    class_id: str
    course_id: str
    occupation_area: OccupationArea
    enrolled_at: datetime
    provider_id: str
    promoted_from_waitlist: bool = Field(default=False, description="A place freed and the worker was next")


class Waitlisted(CaseEvent):
    """The class was full: the worker waits, `position` in line, and is promoted when a place frees."""

    event_type = "training.waitlisted.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    class_id: str
    position: int = Field(ge=1, description="1 is the next worker to be promoted")
    waitlisted_at: datetime


class WithdrawalReason(StrEnum):
    FOUND_WORK = "found_work"
    HEALTH = "health"
    FAMILY = "family"
    SCHEDULE_CONFLICT = "schedule_conflict"
    MOVED_AWAY = "moved_away"
    CLASS_UNSUITABLE = "class_unsuitable"
    OTHER = "other"
    CLASS_CONCLUDED = "class_concluded"
    """Set by the service for workers still waitlisted when the class concludes."""
    CLASS_CANCELLED = "class_cancelled"
    """Set by the service when the provider cancels the class."""
    CASE_CLOSED = "case_closed"
    """Set by the service when intake closes the worker's case."""


class Withdrawn(CaseEvent):
    """The worker left the class or its waitlist; a place they held goes to the next on the waitlist."""

    event_type = "training.withdrawn.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    class_id: str
    reason: WithdrawalReason
    withdrawn_at: datetime
    held_place: bool = Field(default=True, description="False when the worker was on the waitlist")


class AttendanceRecorded(CaseEvent):
    """The provider marked the worker present or absent at one session of the class."""

    event_type = "training.attendance_recorded.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    class_id: str
    session_id: str
    session_number: int
    present: bool
    recorded_at: datetime


class TrainingCompleted(CaseEvent):
    """The worker met the course's completion rule (attendance and assessment)."""

    event_type = "training.completed.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    class_id: str
    course_id: str
    occupation_area: OccupationArea
    attendance_rate: float = Field(ge=0, le=1)
    completed_at: datetime


class FailureReason(StrEnum):
    ATTENDANCE_BELOW_MINIMUM = "attendance_below_minimum"
    ASSESSMENT_FAILED = "assessment_failed"


class TrainingFailed(CaseEvent):
    """The class ended without the worker completing it."""

    event_type = "training.failed.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    class_id: str
    course_id: str
    reason: FailureReason
    failed_at: datetime
    attendance_rate: float = Field(default=0, ge=0, le=1)


class CertificateIssued(CaseEvent):
    """A certificate with a unique number was issued for a completed training."""

    event_type = "training.certificate_issued.v1"
    topic = TRAINING_EVENTS
    source = SOURCE

    enrolment_id: str
    certificate_number: str
    course_id: str
    occupation_area: OccupationArea
    certificate_name: str
    issued_at: datetime


class ClassConcluded(Event):
    """The provider recorded the class's results: every enrolled worker completed or failed."""

    event_type = "training.class_concluded.v1"
    topic = TRAINING_EVENTS
    source = SOURCE
    subject_field = "class_id"

    class_id: str
    provider_id: str
    course_id: str
    completed: int
    failed: int
    concluded_at: datetime


class ClassCancelled(Event):
    """The provider cancelled the class; everyone in it or waiting for it was withdrawn."""

    event_type = "training.class_cancelled.v1"
    topic = TRAINING_EVENTS
    source = SOURCE
    subject_field = "class_id"

    class_id: str
    provider_id: str
    course_id: str
    reason: str
    withdrawn: int
    cancelled_at: datetime


EVENTS: tuple[type[Event], ...] = (
    ClassScheduled,
    Enrolled,
    Waitlisted,
    Withdrawn,
    AttendanceRecorded,
    TrainingCompleted,
    TrainingFailed,
    CertificateIssued,
    ClassConcluded,
    ClassCancelled,
)
