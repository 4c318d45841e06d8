"""`RestructuringPlan`: waits for the worker congress's vote, reminds it before its deadline, and takes the
plan's roster in once the plan is approved. One workflow per plan (`restructuring-{plan_id}`), driven by the
plan's events through the bridge; a rejected plan waits for its revision and the next vote."""

from datetime import UTC, date, datetime, time, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts.journey import EVENT_SIGNAL, JourneyEvent
    from contracts.restructuring import (
        STATUS_QUERY,
        WORKFLOW_NAME,
        PlanProgress,
        RestructuringInput,
        RestructuringStatus,
    )
    from workflows.alarm import Alarm
    from workflows.policy import CONGRESS_VOTE_POLICY
    from workflows.restructuring_activities import (
        RestructuringActivities,
        RosterIntake,
        VoteReminder,
    )

ACTIVITY_TIMEOUT = timedelta(minutes=2)
ACTIVITY_RETRIES = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=1)
)
REMEMBERED_EVENT_IDS = 200


@workflow.defn(name=WORKFLOW_NAME)
class RestructuringPlanWorkflow:
    @workflow.init
    def __init__(self, start: RestructuringInput) -> None:
        self.plan_id = start.plan_id
        self.time_scale = start.time_scale
        self.progress = PlanProgress.AWAITING_VOTE
        self.revision = 0
        self.deadline: date | None = None
        self.submitted_at: datetime | None = None
        self.reminders_sent: list[str] = []
        self.case_ids: list[str] = []
        self.problem: str | None = None
        self.seen: list[str] = []
        self.alarm = Alarm()

    @workflow.run
    async def run(self, start: RestructuringInput) -> RestructuringStatus:
        while True:
            if self.progress == PlanProgress.APPROVED:
                await self._take_in_roster()
                return self.status()
            if self.progress == PlanProgress.AWAITING_VOTE:
                await self._send_due_reminders()
            awaiting = self.progress == PlanProgress.AWAITING_VOTE
            await self.alarm.wait(self._next_reminder() if awaiting else None)

    @workflow.signal(name=EVENT_SIGNAL)
    def on_plan_event(self, event: JourneyEvent) -> None:
        if event.event_id in self.seen:
            return
        self.seen = [*self.seen[-(REMEMBERED_EVENT_IDS - 1) :], event.event_id]
        data = event.data
        if event.event_type == "intake.restructuring_plan_submitted.v1" and data["revision"] > self.revision:
            self.revision = int(data["revision"])
            deadline = data.get("congress_vote_deadline")
            self.deadline = date.fromisoformat(deadline) if deadline else None
            self.submitted_at = workflow.now()
            self.progress = PlanProgress.AWAITING_VOTE
        elif event.event_type == "intake.congress_vote_recorded.v1" and data["revision"] == self.revision:
            self.progress = PlanProgress.APPROVED if data["passed"] else PlanProgress.REJECTED
        self.alarm.ring()

    @workflow.query(name=STATUS_QUERY)
    def status(self) -> RestructuringStatus:
        return RestructuringStatus(
            plan_id=self.plan_id,
            progress=self.progress,
            revision=self.revision,
            reminders_sent=self.reminders_sent,
            case_ids=self.case_ids,
            problem=self.problem,
        )

    def _reminders(self) -> list[tuple[int, datetime]]:
        """(days before the deadline, when) of this revision's reminders still ahead of its submission."""
        if self.deadline is None or self.submitted_at is None:
            return []
        submitted = self.submitted_at
        due = datetime.combine(self.deadline, time(0), UTC)
        moments = [
            (days, submitted + (due - timedelta(days=days) - submitted) / self.time_scale)
            for days in CONGRESS_VOTE_POLICY.remind_days_before
        ]
        return [(days, at) for days, at in moments if at >= submitted]

    def _reminder_key(self, days: int) -> str:
        return f"{self.plan_id}-r{self.revision}-d{days}"

    def _next_reminder(self) -> datetime | None:
        sent = self.reminders_sent
        pending = [at for days, at in self._reminders() if self._reminder_key(days) not in sent]
        return min(pending, default=None)

    async def _send_due_reminders(self) -> None:
        for days, at in self._reminders():
            key = self._reminder_key(days)
            if at > workflow.now() or key in self.reminders_sent:
                continue
            self.reminders_sent.append(key)
            reminder = VoteReminder(
                plan_id=self.plan_id, reminder_key=key, revision=self.revision, days_left=days
            )
            try:
                await workflow.execute_activity_method(
                    RestructuringActivities.remind_congress_vote,
                    reminder,
                    start_to_close_timeout=ACTIVITY_TIMEOUT,
                    retry_policy=ACTIVITY_RETRIES,
                )
            except ActivityError:
                workflow.logger.warning("the congress could not be reminded", extra={"reminder": key})

    async def _take_in_roster(self) -> None:
        """Intake refuses a roster whose people were registered meanwhile: the plan says so and ends."""
        try:
            taken_in = await workflow.execute_activity_method(
                RestructuringActivities.take_in_roster,
                RosterIntake(plan_id=self.plan_id),
                start_to_close_timeout=ACTIVITY_TIMEOUT,
                retry_policy=ACTIVITY_RETRIES,
            )
        except ActivityError as refused:
            self.progress = PlanProgress.ROSTER_REFUSED
            self.problem = str(refused.cause or refused)
            return
        self.case_ids = taken_in.case_ids
        self.progress = PlanProgress.TAKEN_IN if taken_in.lodged else PlanProgress.APPROVED_WITHOUT_ROSTER
