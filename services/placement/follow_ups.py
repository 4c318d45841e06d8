"""Follow-up tasks: the journey asks for them under its own key (idempotent) and cancels them when the work
ends; a person completes them."""

from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.placement import FollowUpCancelled, FollowUpCompleted, FollowUpTaskCreated
from contracts.ids import uuid7
from services.common.errors import DomainError
from services.common.transitions import move
from services.placement.collaborators import Placement
from services.placement.domain import TASK_TRANSITIONS, TaskAction, TaskStatus
from services.placement.models import Business, FollowUpTask, Hire, Worker
from services.placement.schemas import (
    FollowUpCancellation,
    FollowUpOutcome,
    FollowUpTaskIn,
    FollowUpTaskQuery,
)

SUBJECTS: dict[str, type[Hire] | type[Business]] = {"hire": Hire, "business": Business}


def same_request(task: FollowUpTask, request: FollowUpTaskIn) -> bool:
    return (
        task.case_id == request.case_id
        and task.due_on == request.due_on
        and task.sequence == request.sequence
        and task.subject_kind == request.subject_kind
        and task.subject_id == request.subject_id
        and task.requested_assistant_id == request.assistant_id
    )


async def put_task(
    *, placement: Placement, task_key: str, request: FollowUpTaskIn, correlation_id: str
) -> tuple[FollowUpTask, bool]:
    """Create the task, or answer the one under this key if it was asked for with the same content.

    Returns the task and whether it was created now; a key asked for with other content is a conflict.
    """
    try:
        async with placement.sessions.begin() as session:
            existing = await _by_key(session, task_key)
            if existing is not None:
                return _unchanged(existing, request), False
            task = await _create(placement, session, task_key, request, correlation_id)
    except IntegrityError:
        async with placement.sessions() as session:
            existing = await _by_key(session, task_key)
        if existing is None:
            raise
        return _unchanged(existing, request), False
    return task, True


def _unchanged(task: FollowUpTask, request: FollowUpTaskIn) -> FollowUpTask:
    if not same_request(task, request):
        raise DomainError(
            409,
            "follow_up_task_conflict",
            f"The task key {task.task_key} is taken by a task with other content",
            details={"task_id": task.task_id},
        )
    return task


async def _create(
    placement: Placement, session: AsyncSession, task_key: str, request: FollowUpTaskIn, correlation_id: str
) -> FollowUpTask:
    subject: Hire | Business | None = await session.get(SUBJECTS[request.subject_kind], request.subject_id)
    if subject is None or subject.case_id != request.case_id:
        raise DomainError(
            422,
            "follow_up_subject_not_found",
            f"No {request.subject_kind} {request.subject_id} on case {request.case_id}",
            [{"field": "subject_id", "reason": f"no such {request.subject_kind} on this case"}],
        )
    worker = await session.get(Worker, request.case_id)
    task = FollowUpTask(
        task_id=str(uuid7()),
        task_key=task_key,
        case_id=request.case_id,
        due_on=request.due_on,
        sequence=request.sequence,
        subject_kind=request.subject_kind,
        subject_id=request.subject_id,
        assistant_id=request.assistant_id or (worker.assistant_id if worker else None),
        requested_assistant_id=request.assistant_id,
        status=TaskStatus.OPEN.value,
        created_at=datetime.now(UTC),
    )
    session.add(task)
    await session.flush()
    event = FollowUpTaskCreated(
        case_id=task.case_id,
        task_id=task.task_id,
        task_key=task_key,
        due_on=task.due_on,
        sequence=task.sequence,
        subject_kind=request.subject_kind,
        subject_id=task.subject_id,
        created_at=task.created_at,
        assistant_id=task.assistant_id,
    )
    await placement.outbox.add(session, event, correlation_id=correlation_id)
    return task


async def complete(
    *, placement: Placement, task_key: str, outcome: FollowUpOutcome, correlation_id: str
) -> FollowUpTask:
    async with placement.sessions.begin() as session:
        task = await _by_key(session, task_key, for_update=True)
        if task is None:
            raise DomainError(404, "follow_up_task_not_found", f"No follow-up task {task_key}")
        task.status = move(
            TASK_TRANSITIONS, TaskStatus(task.status), TaskAction.COMPLETE, what="follow_up_task"
        ).value
        task.outcome = outcome.model_dump()
        task.completed_at = datetime.now(UTC)
        event = FollowUpCompleted(
            case_id=task.case_id,
            task_id=task.task_id,
            task_key=task_key,
            still_working=outcome.still_working,
            has_labour_contract=outcome.has_labour_contract,
            social_insurance=outcome.social_insurance,
            monthly_earnings_yuan=outcome.monthly_earnings_yuan,
            satisfaction=outcome.satisfaction,
            completed_at=task.completed_at,
            problems_raised=bool(outcome.problems_raised),
            subject_kind="hire" if task.subject_kind == "hire" else "business",
            subject_id=task.subject_id,
            sequence=task.sequence,
        )
        await placement.outbox.add(session, event, correlation_id=correlation_id)
    return task


async def cancel(
    *, placement: Placement, task_key: str, cancellation: FollowUpCancellation, correlation_id: str
) -> FollowUpTask:
    """Cancel an open task; cancelling it again answers the same task and writes nothing."""
    async with placement.sessions.begin() as session:
        task = await _by_key(session, task_key, for_update=True)
        if task is None:
            raise DomainError(404, "follow_up_task_not_found", f"No follow-up task {task_key}")
        if task.status == TaskStatus.CANCELLED.value:
            return task
        task.status = move(
            TASK_TRANSITIONS, TaskStatus(task.status), TaskAction.CANCEL, what="follow_up_task"
        ).value
        await placement.outbox.add(
            session,
            FollowUpCancelled(
                case_id=task.case_id,
                task_id=task.task_id,
                task_key=task_key,
                reason=cancellation.reason,
                cancelled_at=datetime.now(UTC),
            ),
            correlation_id=correlation_id,
        )
    return task


async def get_task(*, placement: Placement, task_key: str) -> FollowUpTask:
    async with placement.sessions() as session:
        task = await _by_key(session, task_key)
    if task is None:
        raise DomainError(404, "follow_up_task_not_found", f"No follow-up task {task_key}")
    return task


async def list_tasks(
    *, placement: Placement, query: FollowUpTaskQuery, within: Select[str] | None = None
) -> list[FollowUpTask]:
    """Tasks by case, assistant, status and due date (`due_before`: due on or before that day); `within`
    limits them to these cases."""
    statement = select(FollowUpTask).order_by(FollowUpTask.due_on, FollowUpTask.task_key).limit(query.limit)
    if within is not None:
        statement = statement.where(FollowUpTask.case_id.in_(within))
    if query.case_id is not None:
        statement = statement.where(FollowUpTask.case_id == query.case_id)
    if query.assistant_id is not None:
        statement = statement.where(FollowUpTask.assistant_id == query.assistant_id)
    if query.status is not None:
        statement = statement.where(FollowUpTask.status == query.status)
    if query.due_before is not None:
        statement = statement.where(FollowUpTask.due_on <= query.due_before)
    async with placement.sessions() as session:
        return list(await session.scalars(statement))


async def _by_key(session: AsyncSession, task_key: str, *, for_update: bool = False) -> FollowUpTask | None:
    statement = select(FollowUpTask).where(FollowUpTask.task_key == task_key)
    if for_update:
        statement = statement.with_for_update()
    task: FollowUpTask | None = await session.scalar(statement)
    return task
