"""The console's consumer group: every topic, each event applied once (inbox) into the read model.

Every event lands on the timeline; the events below also update the views. Events about one case come in
order on one topic, but topics interleave freely, so each effect tolerates its case being unknown yet
(it creates the row) and the journey's stage changes apply only when their `sequence` is newer.
"""

from datetime import datetime
from typing import Any, TypeVar, cast

from pydantic import ValidationError
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from contracts.events import CaseEvent, Event, registry
from contracts.events.complaints import (
    ComplaintClosed,
    ComplaintEscalated,
    ComplaintOpened,
    ComplaintStatusChanged,
)
from contracts.events.intake import (
    AssistantRegistered,
    CaseAssigned,
    CaseClosed,
    CaseReopened,
    WorkerRegistered,
)
from contracts.events.journey import (
    FollowUpEscalated,
    FollowUpOverdue,
    JourneyStageChanged,
    OutcomeMeasured,
    ReviewDue,
)
from contracts.events.placement import (
    BusinessStarted,
    FollowUpCompleted,
    FollowUpTaskCreated,
)
from contracts.events.training import TrainingCompleted
from services.common.consumer import PermanentError
from services.common.inbox import Effect, Inbox, InboxHandler
from services.common.upserts import Upsert
from services.console.domain import Indicator, is_newer_stage
from services.console.models import (
    Achievement,
    AssistantView,
    CaseView,
    ComplaintView,
    FollowUpView,
    OutcomeView,
    ReviewView,
    TimelineEntry,
    inbox,
)
from services.console.tallies import count_achievement, load_of, move_load

CONSUMER = "console"
AGED_4050 = "aged_4050"

Model = TypeVar("Model", bound=Event)


def _parse(model: type[Model], envelope: Envelope) -> Model:
    try:
        return model.model_validate(envelope.data)
    except ValidationError as error:
        raise PermanentError(f"{envelope.type} {envelope.id} does not match its schema: {error}") from error


def _new_case(case_id: str, moment: datetime) -> dict[str, Any]:
    """The row of a case no event has told anything about yet."""
    return {
        "case_id": case_id,
        "stage_sequence": 0,
        "status": "open",
        "aged_4050": False,
        "hardship_flags": [],
        "open_complaints": 0,
        "updated_at": moment,
    }


async def _case(session: AsyncSession, case_id: str, moment: datetime) -> CaseView:
    case = await session.get(CaseView, case_id)
    if case is None:
        case = CaseView(**_new_case(case_id, moment))
        session.add(case)
    case.updated_at = max(case.updated_at, moment)
    return case


async def _achieve(
    session: AsyncSession, *, subject_id: str, indicator: Indicator, case: CaseView, year: int
) -> None:
    key = (subject_id, indicator.value, year)
    if await session.get(Achievement, key) is None:
        session.add(
            Achievement(
                subject_id=subject_id,
                indicator=indicator.value,
                year=year,
                case_id=case.case_id,
                community_code=case.community_code,
            )
        )
        await count_achievement(
            session, year=year, community_code=case.community_code, indicator=indicator.value
        )


async def worker_registered(session: AsyncSession, envelope: Envelope) -> None:
    """Also settles what arrived before it: achievements move to the case's community, and re-employment
    of an aged "4050" worker counts as "4050" placed.

    A registration is nearly always the first event of its case: then the case's row goes in as one INSERT,
    and nothing arrived before it to settle (every achievement belongs to a case row that exists)."""
    event = _parse(WorkerRegistered, envelope)
    registered = {
        "community_code": event.community_code,
        "hardship_flags": list(event.hardship_flags),
        "aged_4050": AGED_4050 in event.hardship_flags,
        "layoff_date": event.layoff_date,
        "registered_at": event.registered_at,
    }
    if (await _FIRST_EVENT.run(session, _new_case(event.case_id, event.registered_at) | registered)).first():
        return
    case = await _case(session, event.case_id, event.registered_at)
    case.community_code = event.community_code
    case.hardship_flags = list(event.hardship_flags)
    case.aged_4050 = AGED_4050 in event.hardship_flags
    case.layoff_date = event.layoff_date
    case.registered_at = event.registered_at
    earlier = list(await session.scalars(select(Achievement).where(Achievement.case_id == event.case_id)))
    for achievement in earlier:
        if achievement.community_code != event.community_code:
            for community, delta in ((achievement.community_code, -1), (event.community_code, 1)):
                await count_achievement(
                    session,
                    year=achievement.year,
                    community_code=community,
                    indicator=achievement.indicator,
                    delta=delta,
                )
            achievement.community_code = event.community_code
    if case.aged_4050:
        for reemployed in earlier:
            if reemployed.indicator == Indicator.REEMPLOYED.value:
                await _achieve(
                    session,
                    subject_id=event.case_id,
                    indicator=Indicator.PLACED_4050,
                    case=case,
                    year=reemployed.year,
                )


async def assistant_registered(session: AsyncSession, envelope: Envelope) -> None:
    """Names the assistant, whether an assignment brought them to the console first or not."""
    event = _parse(AssistantRegistered, envelope)
    assistant = await session.get(AssistantView, event.assistant_id)
    if assistant is None:
        assistant = AssistantView(assistant_id=event.assistant_id)
        session.add(assistant)
    assistant.community_code = event.community_code
    assistant.name = event.name
    assistant.street_code = event.street_code
    assistant.capacity = event.capacity


async def case_assigned(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(CaseAssigned, envelope)
    case = await _case(session, event.case_id, event.assigned_at)
    before = load_of(case)
    case.assistant_id = event.assistant_id
    await move_load(session, before, case)
    seen = {"assistant_id": event.assistant_id, "community_code": event.community_code}
    await _ASSISTANT_SEEN.run(session, seen)


async def case_closed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(CaseClosed, envelope)
    case = await _case(session, event.case_id, event.closed_at)
    before = load_of(case)
    case.status = "closed"
    await move_load(session, before, case)


async def case_reopened(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(CaseReopened, envelope)
    case = await _case(session, event.case_id, event.reopened_at)
    before = load_of(case)
    case.status = "open"
    await move_load(session, before, case)


async def stage_changed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(JourneyStageChanged, envelope)
    case = await _case(session, event.case_id, event.changed_at)
    if is_newer_stage(case.stage_sequence, event.sequence):
        case.stage = event.stage.value
        case.stage_sequence = event.sequence
        case.stage_changed_at = event.changed_at


async def review_due(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(ReviewDue, envelope)
    await _case(session, event.case_id, event.due_at)
    session.add(
        ReviewView(
            event_id=envelope.id,
            case_id=event.case_id,
            kind=event.kind.value,
            detail=event.detail[:500],
            due_at=event.due_at,
        )
    )


async def training_completed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(TrainingCompleted, envelope)
    case = await _case(session, event.case_id, event.completed_at)
    await _achieve(
        session,
        subject_id=event.case_id,
        indicator=Indicator.TRAINED,
        case=case,
        year=event.completed_at.year,
    )


async def _reemployed(session: AsyncSession, case_id: str, moment: datetime) -> None:
    """Re-employment counts once a follow-up finds the worker still working, or a business started."""
    case = await _case(session, case_id, moment)
    await _achieve(session, subject_id=case_id, indicator=Indicator.REEMPLOYED, case=case, year=moment.year)
    if case.aged_4050:
        await _achieve(
            session, subject_id=case_id, indicator=Indicator.PLACED_4050, case=case, year=moment.year
        )


async def business_started(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(BusinessStarted, envelope)
    await _reemployed(session, event.case_id, event.started_at)
    case = await _case(session, event.case_id, event.started_at)
    await _achieve(
        session,
        subject_id=event.business_id,
        indicator=Indicator.BUSINESSES_STARTED,
        case=case,
        year=event.started_at.year,
    )


async def _follow_up(session: AsyncSession, case_id: str, task_key: str, moment: datetime) -> FollowUpView:
    task = await session.get(FollowUpView, task_key)
    if task is None:
        task = FollowUpView(
            task_key=task_key,
            case_id=case_id,
            due_on=moment.date(),
            sequence=0,
            status="open",
            overdue_noticed=False,
            escalated=False,
        )
        session.add(task)
    return task


async def follow_up_task_created(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(FollowUpTaskCreated, envelope)
    await _case(session, event.case_id, event.created_at)
    task = await _follow_up(session, event.case_id, event.task_key, event.created_at)
    task.task_id = event.task_id
    task.due_on = event.due_on
    task.sequence = event.sequence
    task.subject_kind = event.subject_kind


async def follow_up_completed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(FollowUpCompleted, envelope)
    task = await _follow_up(session, event.case_id, event.task_key, event.completed_at)
    task.task_id = event.task_id
    task.status = "completed"
    task.still_working = event.still_working
    task.completed_at = event.completed_at
    if event.still_working:
        await _reemployed(session, event.case_id, event.completed_at)


async def follow_up_overdue(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(FollowUpOverdue, envelope)
    task = await _follow_up(session, event.case_id, event.task_key, event.noticed_at)
    task.due_on, task.sequence = event.due_on, event.sequence
    task.overdue_noticed = True


async def follow_up_escalated(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(FollowUpEscalated, envelope)
    task = await _follow_up(session, event.case_id, event.task_key, event.escalated_at)
    task.due_on, task.sequence = event.due_on, event.sequence
    task.overdue_noticed = task.escalated = True


async def _complaint(
    session: AsyncSession, case_id: str, complaint_id: str, category: str, moment: datetime
) -> ComplaintView:
    complaint = await session.get(ComplaintView, complaint_id)
    if complaint is None:
        complaint = ComplaintView(
            complaint_id=complaint_id, case_id=case_id, category=category, status="open"
        )
        session.add(complaint)
        await _case(session, case_id, moment)
    return complaint


async def _count_open_complaints(session: AsyncSession, case_id: str, moment: datetime) -> None:
    await session.flush()
    statuses = await session.scalars(select(ComplaintView.status).where(ComplaintView.case_id == case_id))
    (await _case(session, case_id, moment)).open_complaints = sum(1 for s in statuses if s != "closed")


async def complaint_opened(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(ComplaintOpened, envelope)
    complaint = await _complaint(session, event.case_id, event.complaint_id, event.category, event.opened_at)
    complaint.opened_at = event.opened_at
    await _count_open_complaints(session, event.case_id, event.opened_at)


async def complaint_status_changed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(ComplaintStatusChanged, envelope)
    complaint = await _complaint(session, event.case_id, event.complaint_id, event.category, event.changed_at)
    if complaint.status != "closed":
        complaint.status = event.status.value
    await _count_open_complaints(session, event.case_id, event.changed_at)


async def complaint_closed(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(ComplaintClosed, envelope)
    complaint = await _complaint(session, event.case_id, event.complaint_id, event.category, event.closed_at)
    complaint.status, complaint.outcome, complaint.closed_at = "closed", event.outcome.value, event.closed_at
    await _count_open_complaints(session, event.case_id, event.closed_at)
    case = await _case(session, event.case_id, event.closed_at)
    await _achieve(
        session,
        subject_id=event.complaint_id,
        indicator=Indicator.COMPLAINTS_RESOLVED,
        case=case,
        year=event.closed_at.year,
    )


async def complaint_escalated(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(ComplaintEscalated, envelope)
    complaint = await _complaint(
        session, event.case_id, event.complaint_id, event.category, event.escalated_at
    )
    complaint.escalation_level, complaint.escalated_at = event.level.value, event.escalated_at


async def outcome_measured(session: AsyncSession, envelope: Envelope) -> None:
    event = _parse(OutcomeMeasured, envelope)
    await _case(session, event.case_id, event.measured_at)
    measure = await session.get(OutcomeView, (event.case_id, event.indicator.value))
    if measure is None:
        measure = OutcomeView(case_id=event.case_id, indicator=event.indicator.value)
        session.add(measure)
    measure.exit_quarter = event.exit_quarter
    measure.employed, measure.earnings_yuan, measure.credential = (
        event.employed,
        event.earnings_yuan,
        event.credential,
    )


EFFECTS: dict[str, Effect] = {
    WorkerRegistered.event_type: worker_registered,
    AssistantRegistered.event_type: assistant_registered,
    CaseAssigned.event_type: case_assigned,
    CaseClosed.event_type: case_closed,
    CaseReopened.event_type: case_reopened,
    JourneyStageChanged.event_type: stage_changed,
    ReviewDue.event_type: review_due,
    TrainingCompleted.event_type: training_completed,
    BusinessStarted.event_type: business_started,
    FollowUpTaskCreated.event_type: follow_up_task_created,
    FollowUpCompleted.event_type: follow_up_completed,
    FollowUpOverdue.event_type: follow_up_overdue,
    FollowUpEscalated.event_type: follow_up_escalated,
    ComplaintOpened.event_type: complaint_opened,
    ComplaintStatusChanged.event_type: complaint_status_changed,
    ComplaintClosed.event_type: complaint_closed,
    ComplaintEscalated.event_type: complaint_escalated,
    OutcomeMeasured.event_type: outcome_measured,
}


async def _record(session: AsyncSession, envelope: Envelope) -> None:
    """Put the event on the timeline, then apply its effect on the views (if it has one)."""
    model = registry()[envelope.type]
    await session.execute(
        _INSERT_TIMELINE,
        {
            "event_id": envelope.id,
            "event_type": envelope.type,
            "case_id": envelope.subject if issubclass(model, CaseEvent) else None,
            "occurred_at": envelope.time,
            "data": envelope.data,
        },
    )
    effect = EFFECTS.get(envelope.type)
    if effect is not None:
        await effect(session, envelope)


_FIRST_EVENT = Upsert(
    CaseView,
    lambda insert: insert.on_conflict_do_nothing(index_elements=["case_id"]).returning(
        CaseView.__table__.c.case_id
    ),
)
"""Inserts the case's row if no event came before; returns the case id only when it did."""
_ASSISTANT_SEEN = Upsert(
    AssistantView, lambda insert: insert.on_conflict_do_nothing(index_elements=["assistant_id"])
)
_INSERT_TIMELINE = insert(cast(Table, TimelineEntry.__table__))
"""A Core INSERT: nothing in a batch reads the timeline back, so the ORM's bulk path would buy nothing."""


def build_handler(sessions: async_sessionmaker[AsyncSession]) -> InboxHandler:
    """Every registered event type is applied; types no contract names are ignored."""
    once = Inbox(consumer=CONSUMER, table=inbox, sessions=sessions)
    known = frozenset(registry())
    return InboxHandler(once, lambda envelope: _record if envelope.type in known else None)
