"""Running `ComplaintResolution` on the time-skipping server with activities that stand in for the service."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from temporalio import activity
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.complaint_workflow import (
    DEADLINES_QUERY,
    EVENT_SIGNAL,
    WORKFLOW_NAME,
    ComplaintAction,
    ComplaintDeadlines,
    ComplaintEvent,
    ComplaintInput,
    ComplaintProgress,
    ComplaintResolutionResult,
    ProgressRequest,
    RecordComplaintAction,
    ReferralAgency,
    WorkingCalendarSpec,
    complaint_workflow_id,
)
from contracts.events.complaints import ComplaintCategory, ComplaintStatus
from workflows.complaint import ComplaintResolution

CST = timezone(timedelta(hours=8))
FRIDAY_AFTERNOON = datetime(2026, 12, 4, 16, 30, tzinfo=CST)
HOLIDAY_MONDAY = date(2026, 12, 7)
TIME_SCALE = 1440.0
"""One day of complaint time passes in one minute of (skipped) real time."""


@dataclass
class StandInService:
    """What the activities see of the complaints service: the actions recorded, the complaint's progress."""

    complaint_id: str
    opened_at: datetime
    category: ComplaintCategory = ComplaintCategory.UNPAID_WAGES
    referred_to: ReferralAgency | None = None
    status: ComplaintStatus = ComplaintStatus.OPEN
    actions: dict[str, ComplaintAction] = field(default_factory=dict)
    calls: int = 0

    @activity.defn(name="record_complaint_action")
    async def record_action(self, request: RecordComplaintAction) -> ComplaintAction:
        self.calls += 1
        recorded = ComplaintAction(
            **request.action.model_dump(),
            action_key=request.action_key,
            complaint_id=request.complaint_id,
            recorded_at=datetime.now(UTC),
        )
        return self.actions.setdefault(request.action_key, recorded)

    @activity.defn(name="read_complaint_progress")
    async def read_progress(self, request: ProgressRequest) -> ComplaintProgress:
        return ComplaintProgress(
            complaint_id=request.complaint_id,
            case_id="case-1",
            category=self.category,
            status=self.status,
            outcome=None,
            opened_at=self.opened_at,
            acknowledged_at=None,
            referred_to=self.referred_to,
            referred_at=None,
            closed_at=None,
            escalation_level=None,
        )

    def kinds(self) -> list[str]:
        return list(self.actions)


@dataclass
class RunningComplaint:
    env: WorkflowEnvironment
    handle: WorkflowHandle[ComplaintResolution, ComplaintResolutionResult]
    service: StandInService
    time_scale: float
    started: datetime

    async def complaint_now(self) -> datetime:
        """The complaint's clock now (a query's `now` is as of the workflow's last step)."""
        server_now = await self.env.get_current_time()
        if self.time_scale == 1:
            return server_now
        return self.service.opened_at + (server_now - self.started) * self.time_scale

    async def deadlines(self) -> ComplaintDeadlines:
        answer: ComplaintDeadlines = await self.handle.query(DEADLINES_QUERY, result_type=ComplaintDeadlines)
        return answer

    async def skip_to(self, moment: datetime) -> None:
        """Let (scaled) time pass until the complaint's clock shows `moment`."""
        now = await self.complaint_now()
        assert moment > now, f"{moment} is not after the complaint's now {now}"
        await self.env.sleep((moment - now) / self.time_scale)

    async def moves_to(self, status: ComplaintStatus) -> None:
        self.service.status = status
        await self.handle.signal(
            EVENT_SIGNAL,
            ComplaintEvent(
                event_id=str(uuid.uuid4()),
                event_type="complaints.complaint_status_changed.v1",
                status=status,
                occurred_at=datetime.now(UTC),
            ),
        )


@asynccontextmanager
async def running_complaint(
    env: WorkflowEnvironment,
    *,
    opened_at: datetime = FRIDAY_AFTERNOON,
    category: ComplaintCategory = ComplaintCategory.UNPAID_WAGES,
    holidays: tuple[date, ...] = (HOLIDAY_MONDAY,),
    time_scale: float = TIME_SCALE,
    with_start_facts: bool = True,
) -> AsyncIterator[RunningComplaint]:
    complaint_id = str(uuid.uuid4())
    service = StandInService(complaint_id=complaint_id, opened_at=opened_at, category=category)
    task_queue = f"complaints-{complaint_id}"
    async with Worker(
        env.client,
        task_queue=task_queue,
        workflows=[ComplaintResolution],
        activities=[service.record_action, service.read_progress],
    ):
        handle: WorkflowHandle[
            ComplaintResolution, ComplaintResolutionResult
        ] = await env.client.start_workflow(
            WORKFLOW_NAME,
            ComplaintInput(
                complaint_id=complaint_id,
                case_id="case-1",
                category=category if with_start_facts else None,
                opened_at=opened_at if with_start_facts else None,
                calendar=WorkingCalendarSpec(public_holidays=holidays),
                time_scale=time_scale,
            ),
            id=complaint_workflow_id(complaint_id),
            task_queue=task_queue,
            result_type=ComplaintResolutionResult,
        )
        started = (await handle.describe()).start_time
        try:
            yield RunningComplaint(
                env=env, handle=handle, service=service, time_scale=time_scale, started=started
            )
        finally:
            await _end(handle)


async def _end(handle: WorkflowHandle[ComplaintResolution, ComplaintResolutionResult]) -> None:
    """Terminate a run the test left running: the shared server does not skip time while its work waits."""
    if (await handle.describe()).status is WorkflowExecutionStatus.RUNNING:
        await handle.terminate("test over")
