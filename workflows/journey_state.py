"""The journey's memory and rules, without Temporal: events and timers in, stage changes and actions out.

The workflow (`workflows/journey.py`) is a thin shell around `JourneyState`: it feeds signals and fired
deadlines in, performs the queued actions through activities, and waits for the next deadline. Everything
here is deterministic (time is always passed in), so it is unit-tested without a server and replays alike.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from contracts.events import CaseEvent
from contracts.events.journey import (
    JourneyStageChanged,
    OutcomeIndicator,
    OutcomeMeasured,
    ReviewDue,
    ReviewKind,
)
from contracts.journey import (
    CLOSED_STAGES,
    ExitReason,
    FollowUpStatus,
    FollowUpView,
    JourneyEvent,
    JourneyStage,
    TimelineEntry,
)
from workflows import journey_handlers
from workflows.journey_memory import (
    Action,
    CancelFollowUpTask,
    Deadline,
    DeadlineKind,
    Employment,
    FollowUp,
    PublishEvent,
    end_of_quarter_after,
)
from workflows.policy import JourneyPolicy, policy_for
from workflows.stages import next_stage

REMEMBERED_EVENT_IDS = 1000
TIMELINE_LENGTH = 500
"""The newest entries kept in the journey's memory; older ones stay in Temporal's history."""

Stage = JourneyStage


class JourneyState(BaseModel):
    """Everything the journey knows about one worker; carried whole across continue-as-new."""

    case_id: str
    time_scale: float = 1.0
    policy: JourneyPolicy | None = None
    stage: Stage = Stage.ASSESSMENT
    stage_since: datetime
    stage_sequence: int = 0
    events_applied: int = 0
    seen_event_ids: list[str] = []
    community_code: str | None = None
    assistant_id: str | None = None
    hardship_flags: list[str] = []
    plan_track: str | None = None
    employment: Employment | None = None
    past_employments: list[Employment] = []
    follow_ups: list[FollowUp] = []
    deadlines: list[Deadline] = []
    timeline: list[TimelineEntry] = []
    open_complaints: dict[str, str] = {}
    credentials: int = 0
    recommendation_given: bool = False
    stability_period_reached: bool = False
    exit_reason: str | None = None
    exited_at: datetime | None = None
    finished: bool = False
    actions: list[Action] = []
    cause: JourneyEvent | None = Field(default=None, exclude=True)

    @property
    def rules(self) -> JourneyPolicy:
        return self.policy or policy_for(self.community_code)

    # --- what comes in -----------------------------------------------------------------------------------

    def apply(self, event: JourneyEvent, now: datetime) -> bool:
        """Apply a domain event once; False for a repeat (the bridge may deliver an event more than once)."""
        if event.event_id in self.seen_event_ids:
            return False
        self.seen_event_ids = [*self.seen_event_ids[-(REMEMBERED_EVENT_IDS - 1) :], event.event_id]
        self.events_applied += 1
        handler = journey_handlers.EVENT_HANDLERS.get(event.event_type)
        self.cause = event
        try:
            if handler is None:
                self.note(now, event.event_type, "recorded")
            else:
                handler(self, event, now)
        finally:
            self.cause = None
        return True

    def fire_due(self, now: datetime) -> None:
        """Handle every deadline that has come, oldest first."""
        while self.deadlines:
            earliest = min(self.deadlines, key=lambda deadline: deadline.at)
            if earliest.at > now:
                return
            self.deadlines.remove(earliest)
            journey_handlers.DEADLINE_HANDLERS[earliest.kind](self, earliest, now)

    def next_deadline(self) -> datetime | None:
        return min((deadline.at for deadline in self.deadlines), default=None)

    def record_exit(self, reason: ExitReason, note: str, now: datetime) -> None:
        self.exit_reason = reason.value
        self.move_to(Stage.EXITED, now, f"exit recorded: {reason.value} {note}".strip())

    def close_as_stable(self, note: str, now: datetime) -> None:
        self.move_to(Stage.STABLE_EMPLOYMENT, now, f"closed as stable by the labour assistant {note}".strip())

    def record_progress(self, note: str, now: datetime) -> None:
        self.note(now, "job_search_progress", note)
        self.progress_made(now)

    # --- rules -------------------------------------------------------------------------------------------

    def stability_gaps(self, now: datetime) -> list[str]:
        """What is missing for the stable-employment rule; empty when it holds."""
        rule = self.rules.stability
        work = self.employment
        if work is None or work.ended_at is not None:
            return ["not in work"]
        gaps = []
        period_ends = work.started_at + self.scaled(rule.period)
        if now < period_ends:
            gaps.append(f"the stability period runs until {period_ends.isoformat()}")
        if work.kind == "hire":
            if rule.requires_labour_contract and not work.has_labour_contract:
                gaps.append("no labour contract")
            if rule.requires_social_insurance and not work.social_insurance:
                gaps.append("no social insurance")
        else:
            if rule.self_employment_requires_licence and not work.licence_reference:
                gaps.append("no business licence")
            if (work.monthly_income_yuan or 0) < rule.minimum_monthly_income_yuan:
                gaps.append(f"income below the local minimum wage ({rule.minimum_monthly_income_yuan} yuan)")
        return gaps

    def exit_refusal(self) -> str | None:
        if self.stage in CLOSED_STAGES:
            return f"the journey is already closed ({self.stage.value})"
        return None

    def note_failure(self, now: datetime, what: str) -> None:
        """An action the services refused for good (the journey goes on; the timeline says what failed)."""
        self.note(now, "action_failed", what)

    def follow_up_views(self) -> list[FollowUpView]:
        return [FollowUpView(**follow_up.model_dump()) for follow_up in self.follow_ups]

    def stable_employment_due(self) -> datetime | None:
        work = self.employment
        if work is None or work.ended_at is not None:
            return None
        return work.started_at + self.scaled(self.rules.stability.period)

    # --- stage changes, in one place ---------------------------------------------------------------------

    def move_to(self, to: Stage, now: datetime, reason: str) -> bool:
        target = next_stage(self.stage, to)
        if target is None:
            if to != self.stage:
                self.note(now, "transition_ignored", f"{self.stage.value} → {to.value}: {reason}")
            return False
        previous = self.stage
        self.stage = target
        self.stage_since = now
        self.stage_sequence += 1
        self.note(now, "stage_changed", f"{previous.value} → {target.value}: {reason}")
        self.publish(
            JourneyStageChanged(
                case_id=self.case_id,
                stage=target,
                previous_stage=previous,
                sequence=self.stage_sequence,
                reason=reason,
                exit_reason=self._exit_reason_for(target),
                changed_at=now,
            )
        )
        self._left(previous)
        self._entered(target, now)
        return True

    def _exit_reason_for(self, stage: Stage) -> str | None:
        if stage == Stage.STABLE_EMPLOYMENT:
            return "stable_employment"
        if stage == Stage.EXITED:
            return self.exit_reason or "other"
        return None

    def _left(self, stage: Stage) -> None:
        if stage == Stage.JOB_SEARCH:
            self.drop_deadlines(DeadlineKind.JOB_SEARCH_REVIEW)

    def _entered(self, stage: Stage, now: datetime) -> None:
        if stage == Stage.JOB_SEARCH:
            self.progress_made(now)
        elif stage in CLOSED_STAGES:
            self._closed(stage, now)
        elif stage == Stage.ASSESSMENT:
            self._reopened()

    def _closed(self, stage: Stage, now: datetime) -> None:
        self.exited_at = now
        if stage == Stage.STABLE_EMPLOYMENT:
            self.exit_reason = "stable_employment"
        if stage == Stage.EXITED:  # at stable employment a follow-up already due is still worth recording
            self._cancel_follow_ups(lambda follow_up: True, f"the worker left: {self.exit_reason}")
        else:
            self._cancel_follow_ups(
                lambda follow_up: follow_up.status == FollowUpStatus.SCHEDULED, "stable employment"
            )
        self.deadlines = []
        if self.exit_reason == ExitReason.DECEASED.value:
            self.finished = True
            return
        self.schedule(DeadlineKind.OUTCOME_Q2, self.business_moment(now, end_of_quarter_after(now, 2)))
        self.schedule(DeadlineKind.OUTCOME_Q4, self.business_moment(now, end_of_quarter_after(now, 4)))

    def _reopened(self) -> None:
        self.exit_reason = None
        self.exited_at = None
        self.finished = False
        self.stability_period_reached = False
        self.deadlines = []
        if self.employment is not None and self.employment.ended_at is None:
            self.past_employments.append(self.employment)
        self.employment = None

    # --- work and follow-ups -----------------------------------------------------------------------------

    def start_work(self, work: Employment, stage: Stage, now: datetime) -> None:
        self.recommendation_given = True
        self.drop_deadlines(DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION)
        if self.employment is not None and self.employment.ended_at is None:
            self.end_work(now, "replaced by new work", move=False)
        self.employment = work
        if self.stage in CLOSED_STAGES:
            return
        if self.stage in (Stage.PLACED, Stage.BUSINESS_STARTED, Stage.FOLLOW_UP):
            self.stage_since = now
        else:
            self.move_to(stage, now, f"{work.kind} {work.subject_id}")
        self.schedule(DeadlineKind.EMPLOYMENT_STARTS, work.started_at, work.subject_id)
        for sequence, interval in enumerate(self.rules.follow_ups.intervals, start=1):
            follow_up = FollowUp(
                sequence=sequence,
                subject_kind=work.kind,
                subject_id=work.subject_id,
                task_key=f"journey-{self.case_id}-{work.subject_id}-{sequence}",
                due_at=work.started_at + self.scaled(interval),
            )
            self.follow_ups.append(follow_up)
            self.schedule(DeadlineKind.FOLLOW_UP_DUE, follow_up.due_at, follow_up.task_key)
        self.schedule(
            DeadlineKind.STABILITY_CHECK,
            work.started_at + self.scaled(self.rules.stability.period),
            work.subject_id,
        )

    def end_work(self, now: datetime, reason: str, *, move: bool = True) -> None:
        work = self.employment
        if work is None:
            return
        work.ended_at = now
        self.past_employments.append(work)
        self.employment = None
        self.stability_period_reached = False
        self._cancel_follow_ups(lambda follow_up: follow_up.subject_id == work.subject_id, reason)
        keys = {f.task_key for f in self.follow_ups if f.subject_id == work.subject_id} | {work.subject_id}
        self.deadlines = [deadline for deadline in self.deadlines if deadline.key not in keys]
        if move and self.stage in (Stage.PLACED, Stage.BUSINESS_STARTED, Stage.FOLLOW_UP):
            self.move_to(Stage.JOB_SEARCH, now, reason)

    def _cancel_follow_ups(self, which: Callable[[FollowUp], bool], reason: str) -> None:
        """Cancel pending follow-ups; those whose task exists in placement are cancelled there too."""
        for follow_up in self.follow_ups:
            if not which(follow_up) or not follow_up.pending():
                continue
            if follow_up.status != FollowUpStatus.SCHEDULED:
                self.actions.append(CancelFollowUpTask(task_key=follow_up.task_key, reason=reason))
            follow_up.status = FollowUpStatus.CANCELLED

    def follow_up(self, key: str) -> FollowUp | None:
        return next((follow_up for follow_up in self.follow_ups if follow_up.task_key == key), None)

    # --- small helpers -----------------------------------------------------------------------------------

    def measure(self, indicator: OutcomeIndicator, now: datetime, **values: Any) -> None:
        exited = self.exited_at or now
        self.publish(
            OutcomeMeasured(
                case_id=self.case_id,
                indicator=indicator,
                exit_stage=self.stage,
                exit_quarter=f"{exited.year}Q{(exited.month - 1) // 3 + 1}",
                measured_at=now,
                **values,
            )
        )
        self.note(now, "outcome_measured", indicator.value)

    def review(self, kind: ReviewKind, now: datetime, detail: str) -> None:
        self.note(now, "review_due", f"{kind.value}: {detail}")
        self.publish(
            ReviewDue(
                case_id=self.case_id, kind=kind, assistant_id=self.assistant_id, detail=detail, due_at=now
            )
        )

    def progress_made(self, now: datetime) -> None:
        if self.stage == Stage.JOB_SEARCH:
            self.drop_deadlines(DeadlineKind.JOB_SEARCH_REVIEW)
            stalled = self.rules.reviews.job_search_stalled_after
            self.schedule(DeadlineKind.JOB_SEARCH_REVIEW, now + self.scaled(stalled))

    def publish(self, event: CaseEvent) -> None:
        self.actions.append(
            PublishEvent(
                event_type=event.event_type,
                data=event.model_dump(mode="json"),
                causation_id=self.cause.event_id if self.cause else None,
                correlation_id=self.cause.correlation_id if self.cause else None,
            )
        )

    def note(self, now: datetime, kind: str, detail: str = "") -> None:
        entry = TimelineEntry(at=now, stage=self.stage, kind=kind, detail=detail)
        self.timeline = [*self.timeline[-(TIMELINE_LENGTH - 1) :], entry]

    def schedule(self, kind: DeadlineKind, at: datetime, key: str = "") -> None:
        self.deadlines.append(Deadline(kind=kind, at=at, key=key))

    def drop_deadlines(self, kind: DeadlineKind) -> None:
        self.deadlines = [deadline for deadline in self.deadlines if deadline.kind != kind]

    def scaled(self, interval: timedelta) -> timedelta:
        return interval / self.time_scale

    def business_moment(self, now: datetime, moment: datetime) -> datetime:
        """Where a business date falls on the journey's clock: its distance from now, compressed."""
        return now + (moment - now) / self.time_scale
