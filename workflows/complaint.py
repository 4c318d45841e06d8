"""`ComplaintResolution`: one durable workflow per rights-protection complaint.

It watches each deadline in turn (acknowledgement, then resolution, or the referred agency's answer while
the complaint is referred): a reminder to the rights officer on the morning of the deadline's last working
day, an escalation to the supervisor when it passes, then to the labour bureau. After closing it waits,
and asks for the satisfaction check with the worker. Status changes arrive as signals from the bridge; the
workflow reads anything else it needs (when it opened, which agency) from the complaints service.

History stays small (a few events per deadline and transition), so it needs no continue-as-new.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.complaint_workflow import (
        DEADLINES_QUERY,
        EVENT_SIGNAL,
        EXTEND_DEADLINE_UPDATE,
        WORKFLOW_NAME,
        ActionKind,
        ComplaintAction,
        ComplaintActionRequest,
        ComplaintDeadlines,
        ComplaintEvent,
        ComplaintInput,
        ComplaintProgress,
        ComplaintResolutionResult,
        DeadlineExtension,
        DeadlineKind,
        DeadlineView,
        ProgressRequest,
        RecordComplaintAction,
    )
    from contracts.events.complaints import ComplaintCategory, ComplaintStatus, EscalationLevel
    from workflows import complaint_policy as policy
    from workflows.calendar import ScaledClock, WorkingCalendar
    from workflows.complaint_activities import ComplaintActivities

RETRY = RetryPolicy(
    initial_interval=policy.ACTIVITY_FIRST_RETRY, maximum_interval=policy.ACTIVITY_LONGEST_RETRY
)
"""The activities themselves mark a 4xx answer as not worth retrying."""


STEPS_PER_DEADLINE = 3
"""A reminder, an escalation to the supervisor, an escalation to the labour bureau."""


@workflow.defn(name=WORKFLOW_NAME)
class ComplaintResolution:
    @workflow.init
    def __init__(self, start: ComplaintInput) -> None:
        self.start = start
        self.calendar = WorkingCalendar(start.calendar)
        self.status = ComplaintStatus.OPEN
        self.seen_event_ids: set[str] = set()
        self.referrals = 0
        self.round = 0
        self.running: DeadlineView | None = None
        self.escalation_level: EscalationLevel | None = None
        self.escalations = 0
        self.acknowledged_late = False
        self.satisfaction_check_due_at: datetime | None = None
        self.clock: ScaledClock | None = None

    @workflow.run
    async def run(self, start: ComplaintInput) -> ComplaintResolutionResult:
        started = workflow.now()
        category, opened_at = start.category, start.opened_at
        if category is None or opened_at is None:
            progress = await self._progress()
            category, opened_at = progress.category, progress.opened_at
        real_origin = opened_at if start.time_scale == 1 else started
        self.clock = ScaledClock(origin=opened_at, real_origin=real_origin, time_scale=start.time_scale)

        await self._watch(
            DeadlineKind.ACKNOWLEDGEMENT,
            self.calendar.deadline(opened_at, policy.ACKNOWLEDGEMENT_WORKING_DAYS),
            lambda: self.status is not ComplaintStatus.OPEN,
        )
        self.acknowledged_late = self.escalations > 0
        await self._work_until_closed(category, opened_at)
        return await self._satisfaction_check()

    async def _work_until_closed(self, category: ComplaintCategory, opened_at: datetime) -> None:
        """Watch the resolution deadline, or the agency's answer while referred, until closing."""
        resolution_due = self.calendar.deadline(opened_at, policy.RESOLUTION_WORKING_DAYS[category])
        while self.status is not ComplaintStatus.CLOSED:
            if self.status is ComplaintStatus.REFERRED:
                progress = await self._progress()
                if progress.referred_to is None or progress.status is not ComplaintStatus.REFERRED:
                    await workflow.wait_condition(lambda: self.status is not ComplaintStatus.REFERRED)
                    continue
                answer_days = policy.REFERRAL_ANSWER_WORKING_DAYS[progress.referred_to]
                await self._watch(
                    DeadlineKind.REFERRAL_ANSWER,
                    self.calendar.deadline(self._now(), answer_days),
                    lambda: self.status is not ComplaintStatus.REFERRED,
                )
                earliest = self.calendar.deadline(self._now(), policy.RESOLUTION_WORKING_DAYS_AFTER_REFERRAL)
                resolution_due = max(resolution_due, earliest)
            else:
                await self._watch(
                    DeadlineKind.RESOLUTION,
                    resolution_due,
                    lambda: self.status not in (ComplaintStatus.ACKNOWLEDGED, ComplaintStatus.OPEN),
                )
                if self.running is not None:
                    resolution_due = self.running.due_at

    async def _watch(self, kind: DeadlineKind, due_at: datetime, settled: Callable[[], bool]) -> None:
        """Remind, then escalate to the supervisor, then to the labour bureau, until `settled`."""
        self.round += 1
        self.running = DeadlineView(kind=kind, due_at=due_at, round=self.round)
        self.escalation_level = None
        steps_done = 0
        while not settled():
            running = self.running
            interrupted = self._settled_or_moved(settled, running)
            if steps_done == STEPS_PER_DEADLINE:
                await workflow.wait_condition(interrupted)
                continue
            moment = self._step_moment(steps_done, running.due_at)
            if not await self._wait_until(moment, interrupted):
                continue
            await self._take_step(steps_done, running)
            steps_done += 1

    def _settled_or_moved(self, settled: Callable[[], bool], running: DeadlineView) -> Callable[[], bool]:
        """True once the deadline is settled, or a supervisor extended it (it is then watched anew)."""
        return lambda: settled() or self.running is not running

    def _step_moment(self, step: int, due_at: datetime) -> datetime:
        if step == 0:
            return self.calendar.reminder_at(due_at, policy.REMINDER_LEAD_WORKING_DAYS)
        if step == 1:
            return due_at
        return self.calendar.extend(due_at, policy.LABOUR_BUREAU_ESCALATION_WORKING_DAYS)

    async def _take_step(self, step: int, running: DeadlineView) -> None:
        prefix = f"{running.kind.value}-{running.round}"
        if step == 0:
            await self._record(
                f"{prefix}-reminder",
                ComplaintActionRequest(
                    kind=ActionKind.REMINDER, deadline_kind=running.kind, due_at=running.due_at
                ),
            )
            return
        level = EscalationLevel.SUPERVISOR if step == 1 else EscalationLevel.LABOUR_BUREAU
        await self._record(
            f"{prefix}-escalation-{level.value}",
            ComplaintActionRequest(
                kind=ActionKind.ESCALATION, deadline_kind=running.kind, level=level, due_at=running.due_at
            ),
        )
        self.escalation_level = level
        self.escalations += 1

    async def _satisfaction_check(self) -> ComplaintResolutionResult:
        self.running = None
        self.escalation_level = None
        earliest = self.calendar.local_date(self._now() + policy.SATISFACTION_CHECK_DELAY)
        due_at = self.calendar.start_of(self.calendar.working_day_on_or_after(earliest))
        self.satisfaction_check_due_at = due_at
        await self._wait_until(due_at, lambda: False)
        await self._record(
            "satisfaction-check", ComplaintActionRequest(kind=ActionKind.SATISFACTION_CHECK, due_at=due_at)
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return ComplaintResolutionResult(
            complaint_id=self.start.complaint_id,
            acknowledged_late=self.acknowledged_late,
            escalations=self.escalations,
            referrals=self.referrals,
            satisfaction_check_due_at=due_at,
        )

    async def _wait_until(self, moment: datetime, interrupted: Callable[[], bool]) -> bool:
        """True when the complaint's clock reached `moment` before `interrupted` became true."""
        if interrupted():
            return False
        delay = self._clock().real_delay_until(moment, workflow.now())
        if delay <= timedelta():
            return True
        try:
            await workflow.wait_condition(interrupted, timeout=delay)
        except TimeoutError:
            return True
        return False

    async def _record(self, action_key: str, action: ComplaintActionRequest) -> ComplaintAction:
        return await workflow.execute_activity_method(
            ComplaintActivities.record_action,
            RecordComplaintAction(complaint_id=self.start.complaint_id, action_key=action_key, action=action),
            start_to_close_timeout=policy.ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    async def _progress(self) -> ComplaintProgress:
        return await workflow.execute_activity_method(
            ComplaintActivities.read_progress,
            ProgressRequest(complaint_id=self.start.complaint_id),
            start_to_close_timeout=policy.ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )

    def _clock(self) -> ScaledClock:
        if self.clock is None:
            raise RuntimeError("the complaint's clock starts when the workflow runs")
        return self.clock

    def _now(self) -> datetime:
        return self._clock().now(workflow.now())

    @workflow.signal(name=EVENT_SIGNAL)
    def on_event(self, event: ComplaintEvent) -> None:
        """Apply each event once: the bridge may deliver the same event more than once."""
        if event.event_id in self.seen_event_ids or self.status is ComplaintStatus.CLOSED:
            return
        self.seen_event_ids.add(event.event_id)
        if event.status is ComplaintStatus.REFERRED and self.status is not ComplaintStatus.REFERRED:
            self.referrals += 1
        self.status = event.status

    @workflow.query(name=DEADLINES_QUERY)
    def deadlines(self) -> ComplaintDeadlines:
        return ComplaintDeadlines(
            complaint_id=self.start.complaint_id,
            status=self.status,
            now=self._now() if self.clock is not None else workflow.now(),
            running=self.running,
            escalation_level=self.escalation_level,
            satisfaction_check_due_at=self.satisfaction_check_due_at,
        )

    @workflow.update(name=EXTEND_DEADLINE_UPDATE)
    def extend_deadline(self, extension: DeadlineExtension) -> ComplaintDeadlines:
        """A supervisor gives more working days to the deadline now running."""
        running = self.running
        assert running is not None
        self.running = running.model_copy(
            update={"due_at": self.calendar.extend(running.due_at, extension.working_days)}
        )
        return self.deadlines()

    @extend_deadline.validator
    def check_extension(self, extension: DeadlineExtension) -> None:
        if not 1 <= extension.working_days <= policy.MAXIMUM_EXTENSION_WORKING_DAYS:
            raise ValueError(f"working_days must be between 1 and {policy.MAXIMUM_EXTENSION_WORKING_DAYS}")
        if not extension.reason.strip():
            raise ValueError("reason must not be blank")
        if self.running is None or self.status is ComplaintStatus.CLOSED:
            raise ValueError("no deadline is running: the complaint is closed or not yet being watched")


COMPLAINT_WORKFLOWS = [ComplaintResolution]
"""The workflows to register on the worker (with `complaint_activities(...)`)."""
