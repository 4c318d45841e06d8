"""The journey's memory and rules, without Temporal: events and timers in, stage changes and actions out.

The workflow (`workflows/journey.py`) is a thin shell around `JourneyState`: it feeds signals and fired
deadlines in, performs the queued actions through activities, and waits for the next deadline. Everything
here is deterministic (time is always passed in), so it is unit-tested without a server and replays alike.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from contracts.events import CaseEvent
from contracts.events.journey import (
    FollowUpEscalated,
    FollowUpOverdue,
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
from workflows.policy import JourneyPolicy, policy_for
from workflows.stages import next_stage

REMEMBERED_EVENT_IDS = 1000
TIMELINE_LENGTH = 500
"""The newest entries kept in the journey's memory; older ones stay in Temporal's history."""

Stage = JourneyStage


class Employment(BaseModel):
    kind: Literal["hire", "business"]
    subject_id: str
    started_at: datetime
    has_labour_contract: bool = False
    social_insurance: bool = False
    licence_reference: str | None = None
    monthly_income_yuan: int | None = None
    ended_at: datetime | None = None


class FollowUp(BaseModel):
    sequence: int
    subject_kind: Literal["hire", "business"]
    subject_id: str
    task_key: str
    due_at: datetime
    status: FollowUpStatus = FollowUpStatus.SCHEDULED

    def pending(self) -> bool:
        return self.status not in (FollowUpStatus.COMPLETED, FollowUpStatus.CANCELLED)


class DeadlineKind(StrEnum):
    EMPLOYMENT_STARTS = "employment_starts"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_REMIND = "follow_up_remind"
    FOLLOW_UP_ESCALATE = "follow_up_escalate"
    STABILITY_CHECK = "stability_check"
    JOB_SEARCH_REVIEW = "job_search_review"
    ZERO_EMPLOYMENT_RECOMMENDATION = "zero_employment_recommendation"
    OUTCOME_Q2 = "outcome_q2"
    OUTCOME_Q4 = "outcome_q4"


class Deadline(BaseModel):
    kind: DeadlineKind
    at: datetime
    key: str = ""


class PublishEvent(BaseModel):
    action: Literal["publish"] = "publish"
    event_type: str
    data: dict[str, Any]
    causation_id: str | None = None
    correlation_id: str | None = None


class CreateFollowUpTask(BaseModel):
    action: Literal["create_follow_up_task"] = "create_follow_up_task"
    task_key: str
    case_id: str
    due_on: date
    sequence: int
    subject_kind: Literal["hire", "business"]
    subject_id: str
    assistant_id: str | None


Action = Annotated[PublishEvent | CreateFollowUpTask, Field(discriminator="action")]

REFERRAL_EVENT_TYPES = frozenset({"placement.referral_made.v1", "placement.referral_answered.v1"})
"""Job recommendations: a referral counts as one for the zero-employment rule and as job-search progress."""


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
        handler = _HANDLERS.get(event.event_type)
        self.cause = event
        try:
            if handler is None:
                self._note(now, event.event_type, "recorded")
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
            _DEADLINE_HANDLERS[earliest.kind](self, earliest, now)

    def next_deadline(self) -> datetime | None:
        return min((deadline.at for deadline in self.deadlines), default=None)

    def record_exit(self, reason: ExitReason, note: str, now: datetime) -> None:
        self.exit_reason = reason.value
        self._move(Stage.EXITED, now, f"exit recorded: {reason.value} {note}".strip())

    def close_as_stable(self, note: str, now: datetime) -> None:
        self._move(Stage.STABLE_EMPLOYMENT, now, f"closed as stable by the labour assistant {note}".strip())

    def record_progress(self, note: str, now: datetime) -> None:
        self._note(now, "job_search_progress", note)
        self._progress(now)

    # --- rules -------------------------------------------------------------------------------------------

    def stability_gaps(self, now: datetime) -> list[str]:
        """What is missing for the stable-employment rule; empty when it holds."""
        rule = self.rules.stability
        work = self.employment
        if work is None or work.ended_at is not None:
            return ["not in work"]
        gaps = []
        period_ends = work.started_at + self._scaled(rule.period)
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
        self._note(now, "action_failed", what)

    def follow_up_views(self) -> list[FollowUpView]:
        return [FollowUpView(**follow_up.model_dump()) for follow_up in self.follow_ups]

    def stable_employment_due(self) -> datetime | None:
        work = self.employment
        if work is None or work.ended_at is not None:
            return None
        return work.started_at + self._scaled(self.rules.stability.period)

    # --- stage changes, in one place ---------------------------------------------------------------------

    def _move(self, to: Stage, now: datetime, reason: str) -> bool:
        target = next_stage(self.stage, to)
        if target is None:
            if to != self.stage:
                self._note(now, "transition_ignored", f"{self.stage.value} → {to.value}: {reason}")
            return False
        previous = self.stage
        self.stage = target
        self.stage_since = now
        self.stage_sequence += 1
        self._note(now, "stage_changed", f"{previous.value} → {target.value}: {reason}")
        self._publish(
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
            self._drop_deadlines(DeadlineKind.JOB_SEARCH_REVIEW)

    def _entered(self, stage: Stage, now: datetime) -> None:
        if stage == Stage.JOB_SEARCH:
            self._progress(now)
        elif stage in CLOSED_STAGES:
            self._closed(stage, now)
        elif stage == Stage.ASSESSMENT:
            self._reopened()

    def _closed(self, stage: Stage, now: datetime) -> None:
        self.exited_at = now
        if stage == Stage.STABLE_EMPLOYMENT:
            self.exit_reason = "stable_employment"
        for follow_up in self.follow_ups:
            if follow_up.status == FollowUpStatus.SCHEDULED:
                follow_up.status = FollowUpStatus.CANCELLED
        self.deadlines = []
        if self.exit_reason == ExitReason.DECEASED.value:
            self.finished = True
            return
        self._schedule(DeadlineKind.OUTCOME_Q2, self._business_moment(now, _end_of_quarter_after(now, 2)))
        self._schedule(DeadlineKind.OUTCOME_Q4, self._business_moment(now, _end_of_quarter_after(now, 4)))

    def _reopened(self) -> None:
        self.exit_reason = None
        self.exited_at = None
        self.finished = False
        self.stability_period_reached = False
        self.deadlines = []
        if self.employment is not None and self.employment.ended_at is None:
            self.past_employments.append(self.employment)
        self.employment = None

    # --- event handlers ----------------------------------------------------------------------------------

    def _registered(self, event: JourneyEvent, now: datetime) -> None:
        data = event.data
        self.community_code = data.get("community_code", self.community_code)
        self.hardship_flags = list(data.get("hardship_flags", self.hardship_flags))
        if self.policy is None:
            self.policy = policy_for(self.community_code)
        self._note(now, event.event_type, f"registered in {self.community_code}")
        if "zero_employment_family" in self.hardship_flags and not self.recommendation_given:
            within = self.rules.reviews.zero_employment_recommendation_within
            self._schedule(DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION, now + self._scaled(within))

    def _assigned(self, event: JourneyEvent, now: datetime) -> None:
        self.assistant_id = event.data.get("assistant_id")
        self._note(now, event.event_type, f"assigned to {self.assistant_id}")

    def _guided(self, event: JourneyEvent, now: datetime) -> None:
        self._note(now, event.event_type)
        if self.stage == Stage.ASSESSMENT:
            self._move(Stage.GUIDANCE_AND_PLAN, now, event.event_type)
        self._progress(now)

    def _plan_changed(self, event: JourneyEvent, now: datetime) -> None:
        track, status = event.data.get("track"), event.data.get("status")
        self._note(now, event.event_type, f"plan {status} ({track})")
        if status != "approved":
            return
        self.plan_track = track
        if self.stage in (Stage.ASSESSMENT, Stage.GUIDANCE_AND_PLAN, Stage.TRAINING, Stage.JOB_SEARCH):
            self._move(Stage.TRAINING if track == "training" else Stage.JOB_SEARCH, now, "plan approved")

    def _case_closed(self, event: JourneyEvent, now: datetime) -> None:
        reason = str(event.data.get("reason", "other"))
        if reason == "stable_employment":
            self._move(Stage.STABLE_EMPLOYMENT, now, "case closed as stable employment")
            return
        self.exit_reason = reason
        self._move(Stage.EXITED, now, f"case closed: {reason}")

    def _case_reopened(self, event: JourneyEvent, now: datetime) -> None:
        self._move(Stage.ASSESSMENT, now, f"case re-opened: {event.data.get('reason', '')}".strip())

    def _enrolled(self, event: JourneyEvent, now: datetime) -> None:
        self._note(now, event.event_type, f"class {event.data.get('class_id')}")
        self._progress(now)
        if self.stage in (Stage.ASSESSMENT, Stage.GUIDANCE_AND_PLAN, Stage.JOB_SEARCH):
            self._move(Stage.TRAINING, now, "enrolled in a class")

    def _training_completed(self, event: JourneyEvent, now: datetime) -> None:
        self._note(now, event.event_type, f"class {event.data.get('class_id')}")
        if self.stage == Stage.TRAINING:
            self._move(Stage.JOB_SEARCH, now, "training completed")

    def _training_ended_unfinished(self, event: JourneyEvent, now: datetime) -> None:
        reason = str(event.data.get("reason", ""))
        self._note(now, event.event_type, reason)
        if self.stage != Stage.TRAINING:
            return
        self._move(Stage.GUIDANCE_AND_PLAN, now, f"training ended without completion: {reason}")
        self._review(ReviewKind.PLAN_REVIEW_AFTER_TRAINING, now, reason)

    def _certified(self, event: JourneyEvent, now: datetime) -> None:
        self.credentials += 1
        self._note(now, event.event_type, str(event.data.get("certificate_name", "")))

    def _referred(self, event: JourneyEvent, now: datetime) -> None:
        self.recommendation_given = True
        self._drop_deadlines(DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION)
        self._note(now, event.event_type)
        self._progress(now)

    def _hired(self, event: JourneyEvent, now: datetime) -> None:
        data = event.data
        work = Employment(
            kind="hire",
            subject_id=str(data["hire_id"]),
            started_at=self._business_moment(now, _midnight(data["start_date"])),
            has_labour_contract=bool(data.get("has_labour_contract", False)),
            social_insurance=bool(data.get("social_insurance", False)),
            monthly_income_yuan=data.get("monthly_wage_yuan"),
        )
        self._note(now, event.event_type, f"hired ({data.get('employment_form', '')})")
        self._start_work(work, Stage.PLACED, now)

    def _business_started(self, event: JourneyEvent, now: datetime) -> None:
        data = event.data
        work = Employment(
            kind="business",
            subject_id=str(data["business_id"]),
            started_at=self._business_moment(now, _midnight(data["started_on"])),
            licence_reference=data.get("licence_reference"),
            monthly_income_yuan=data.get("expected_monthly_income_yuan"),
        )
        self._note(now, event.event_type, str(data.get("kind", "")))
        self._start_work(work, Stage.BUSINESS_STARTED, now)

    def _work_ended(self, event: JourneyEvent, now: datetime) -> None:
        subject = event.data.get("hire_id") or event.data.get("business_id")
        self._note(now, event.event_type, str(event.data.get("reason", "")))
        if self.employment is not None and self.employment.subject_id == subject:
            self._end_work(now, "the work ended")

    def _follow_up_task_created(self, event: JourneyEvent, now: datetime) -> None:
        self._note(
            now, event.event_type, f"follow-up {event.data.get('sequence')} due {event.data.get('due_on')}"
        )

    def _follow_up_completed(self, event: JourneyEvent, now: datetime) -> None:
        data = event.data
        key = data.get("task_key")
        for follow_up in self.follow_ups:
            if follow_up.task_key == key:
                follow_up.status = FollowUpStatus.COMPLETED
        self.deadlines = [
            d for d in self.deadlines if not (d.key == key and d.kind != DeadlineKind.FOLLOW_UP_DUE)
        ]
        still_working = data.get("still_working", True)
        self._note(now, event.event_type, "still working" if still_working else "no longer working")
        work = self.employment
        if work is None or work.ended_at is not None or self.stage in CLOSED_STAGES:
            return
        if not still_working:
            self._end_work(now, "a follow-up found the worker no longer working")
            return
        work.has_labour_contract = bool(data.get("has_labour_contract", work.has_labour_contract))
        work.social_insurance = bool(data.get("social_insurance", work.social_insurance))
        if data.get("monthly_earnings_yuan") is not None:
            work.monthly_income_yuan = int(data["monthly_earnings_yuan"])
        if self.stability_period_reached and not self.stability_gaps(now):
            self._move(Stage.STABLE_EMPLOYMENT, now, "stable-employment rule met at a follow-up")

    def _benefit_decided(self, event: JourneyEvent, now: datetime) -> None:
        data = event.data
        detail = f"{data.get('kind')} from {data.get('agency')}: {data.get('decision')}"
        self._note(now, event.event_type, detail)

    def _complaint_opened(self, event: JourneyEvent, now: datetime) -> None:
        category = str(event.data.get("category", ""))
        self.open_complaints[str(event.data.get("complaint_id"))] = category
        self._note(now, event.event_type, category)

    def _complaint_closed(self, event: JourneyEvent, now: datetime) -> None:
        self.open_complaints.pop(str(event.data.get("complaint_id")), None)
        self._note(now, event.event_type, str(event.data.get("category", "")))

    # --- work and follow-ups -----------------------------------------------------------------------------

    def _start_work(self, work: Employment, stage: Stage, now: datetime) -> None:
        self.recommendation_given = True
        self._drop_deadlines(DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION)
        if self.employment is not None and self.employment.ended_at is None:
            self._end_work(now, "replaced by new work", move=False)
        self.employment = work
        if self.stage in CLOSED_STAGES:
            return
        if self.stage in (Stage.PLACED, Stage.BUSINESS_STARTED, Stage.FOLLOW_UP):
            self.stage_since = now
        else:
            self._move(stage, now, f"{work.kind} {work.subject_id}")
        self._schedule(DeadlineKind.EMPLOYMENT_STARTS, work.started_at, work.subject_id)
        for sequence, interval in enumerate(self.rules.follow_ups.intervals, start=1):
            follow_up = FollowUp(
                sequence=sequence,
                subject_kind=work.kind,
                subject_id=work.subject_id,
                task_key=f"journey-{self.case_id}-{work.subject_id}-{sequence}",
                due_at=work.started_at + self._scaled(interval),
            )
            self.follow_ups.append(follow_up)
            self._schedule(DeadlineKind.FOLLOW_UP_DUE, follow_up.due_at, follow_up.task_key)
        self._schedule(
            DeadlineKind.STABILITY_CHECK,
            work.started_at + self._scaled(self.rules.stability.period),
            work.subject_id,
        )

    def _end_work(self, now: datetime, reason: str, *, move: bool = True) -> None:
        work = self.employment
        if work is None:
            return
        work.ended_at = now
        self.past_employments.append(work)
        self.employment = None
        self.stability_period_reached = False
        for follow_up in self.follow_ups:
            if follow_up.subject_id == work.subject_id and follow_up.pending():
                follow_up.status = FollowUpStatus.CANCELLED
        keys = {f.task_key for f in self.follow_ups if f.subject_id == work.subject_id} | {work.subject_id}
        self.deadlines = [deadline for deadline in self.deadlines if deadline.key not in keys]
        if move and self.stage in (Stage.PLACED, Stage.BUSINESS_STARTED, Stage.FOLLOW_UP):
            self._move(Stage.JOB_SEARCH, now, reason)

    def _follow_up(self, key: str) -> FollowUp | None:
        return next((follow_up for follow_up in self.follow_ups if follow_up.task_key == key), None)

    # --- deadlines ---------------------------------------------------------------------------------------

    def _employment_starts(self, deadline: Deadline, now: datetime) -> None:
        if self.stage in (Stage.PLACED, Stage.BUSINESS_STARTED):
            self._move(Stage.FOLLOW_UP, now, "the work started")

    def _follow_up_due(self, deadline: Deadline, now: datetime) -> None:
        follow_up = self._follow_up(deadline.key)
        if follow_up is None or follow_up.status != FollowUpStatus.SCHEDULED:
            return
        follow_up.status = FollowUpStatus.OPEN
        self._note(now, "follow_up_due", f"follow-up {follow_up.sequence} ({follow_up.task_key})")
        self.actions.append(
            CreateFollowUpTask(
                task_key=follow_up.task_key,
                case_id=self.case_id,
                due_on=now.date(),
                sequence=follow_up.sequence,
                subject_kind=follow_up.subject_kind,
                subject_id=follow_up.subject_id,
                assistant_id=self.assistant_id,
            )
        )
        rules = self.rules.follow_ups
        key = follow_up.task_key
        self._schedule(DeadlineKind.FOLLOW_UP_REMIND, now + self._scaled(rules.remind_after), key)
        self._schedule(DeadlineKind.FOLLOW_UP_ESCALATE, now + self._scaled(rules.escalate_after), key)

    def _follow_up_remind(self, deadline: Deadline, now: datetime) -> None:
        follow_up = self._follow_up(deadline.key)
        if follow_up is None or follow_up.status != FollowUpStatus.OPEN:
            return
        follow_up.status = FollowUpStatus.OVERDUE
        self._note(now, "follow_up_overdue", f"follow-up {follow_up.sequence}: the assistant is reminded")
        self._publish(
            FollowUpOverdue(
                case_id=self.case_id,
                task_key=follow_up.task_key,
                sequence=follow_up.sequence,
                due_on=follow_up.due_at.date(),
                assistant_id=self.assistant_id,
                noticed_at=now,
            )
        )

    def _follow_up_escalate(self, deadline: Deadline, now: datetime) -> None:
        follow_up = self._follow_up(deadline.key)
        if follow_up is None or follow_up.status not in (FollowUpStatus.OPEN, FollowUpStatus.OVERDUE):
            return
        follow_up.status = FollowUpStatus.ESCALATED
        self._note(now, "follow_up_escalated", f"follow-up {follow_up.sequence}: escalated to the supervisor")
        self._publish(
            FollowUpEscalated(
                case_id=self.case_id,
                task_key=follow_up.task_key,
                sequence=follow_up.sequence,
                due_on=follow_up.due_at.date(),
                assistant_id=self.assistant_id,
                escalated_at=now,
            )
        )

    def _stability_check(self, deadline: Deadline, now: datetime) -> None:
        self.stability_period_reached = True
        gaps = self.stability_gaps(now)
        if not gaps:
            self._move(Stage.STABLE_EMPLOYMENT, now, "stable-employment rule met")
        else:
            self._review(ReviewKind.STABILITY_NOT_MET, now, "; ".join(gaps))

    def _job_search_review(self, deadline: Deadline, now: datetime) -> None:
        if self.stage != Stage.JOB_SEARCH:
            return
        stalled = self.rules.reviews.job_search_stalled_after
        self._review(ReviewKind.JOB_SEARCH_STALLED, now, f"no progress for {stalled.days} days")
        self._schedule(DeadlineKind.JOB_SEARCH_REVIEW, now + self._scaled(stalled))

    def _zero_employment_overdue(self, deadline: Deadline, now: datetime) -> None:
        if not self.recommendation_given and self.stage not in CLOSED_STAGES:
            self._review(ReviewKind.ZERO_EMPLOYMENT_RECOMMENDATION_OVERDUE, now, "no job recommended yet")

    def _outcome_q2(self, deadline: Deadline, now: datetime) -> None:
        employed = self.employment is not None and self.employment.ended_at is None
        income = self.employment.monthly_income_yuan if employed and self.employment else None
        self._measure(OutcomeIndicator.EMPLOYED_Q2_AFTER_EXIT, now, employed=employed)
        self._measure(
            OutcomeIndicator.EARNINGS_Q2_AFTER_EXIT,
            now,
            employed=employed,
            earnings_yuan=(income or 0) * 3 if employed else 0,
        )

    def _outcome_q4(self, deadline: Deadline, now: datetime) -> None:
        employed = self.employment is not None and self.employment.ended_at is None
        self._measure(OutcomeIndicator.EMPLOYED_Q4_AFTER_EXIT, now, employed=employed)
        self._measure(OutcomeIndicator.CREDENTIAL_ATTAINED, now, credential=self.credentials > 0)
        self.finished = True

    # --- small helpers -----------------------------------------------------------------------------------

    def _measure(self, indicator: OutcomeIndicator, now: datetime, **values: Any) -> None:
        exited = self.exited_at or now
        self._publish(
            OutcomeMeasured(
                case_id=self.case_id,
                indicator=indicator,
                exit_stage=self.stage,
                exit_quarter=f"{exited.year}Q{(exited.month - 1) // 3 + 1}",
                measured_at=now,
                **values,
            )
        )
        self._note(now, "outcome_measured", indicator.value)

    def _review(self, kind: ReviewKind, now: datetime, detail: str) -> None:
        self._note(now, "review_due", f"{kind.value}: {detail}")
        self._publish(
            ReviewDue(
                case_id=self.case_id, kind=kind, assistant_id=self.assistant_id, detail=detail, due_at=now
            )
        )

    def _progress(self, now: datetime) -> None:
        if self.stage == Stage.JOB_SEARCH:
            self._drop_deadlines(DeadlineKind.JOB_SEARCH_REVIEW)
            stalled = self.rules.reviews.job_search_stalled_after
            self._schedule(DeadlineKind.JOB_SEARCH_REVIEW, now + self._scaled(stalled))

    def _publish(self, event: CaseEvent) -> None:
        self.actions.append(
            PublishEvent(
                event_type=event.event_type,
                data=event.model_dump(mode="json"),
                causation_id=self.cause.event_id if self.cause else None,
                correlation_id=self.cause.correlation_id if self.cause else None,
            )
        )

    def _note(self, now: datetime, kind: str, detail: str = "") -> None:
        entry = TimelineEntry(at=now, stage=self.stage, kind=kind, detail=detail)
        self.timeline = [*self.timeline[-(TIMELINE_LENGTH - 1) :], entry]

    def _schedule(self, kind: DeadlineKind, at: datetime, key: str = "") -> None:
        self.deadlines.append(Deadline(kind=kind, at=at, key=key))

    def _drop_deadlines(self, kind: DeadlineKind) -> None:
        self.deadlines = [deadline for deadline in self.deadlines if deadline.kind != kind]

    def _scaled(self, interval: timedelta) -> timedelta:
        return interval / self.time_scale

    def _business_moment(self, now: datetime, moment: datetime) -> datetime:
        """Where a business date falls on the journey's clock: its distance from now, compressed."""
        return now + (moment - now) / self.time_scale


def _midnight(value: str | date) -> datetime:
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return datetime.combine(day, time(0), UTC)


def _end_of_quarter_after(moment: datetime, quarters: int) -> datetime:
    """The end of the `quarters`-th quarter after the one `moment` falls in (WIOA's 2nd and 4th quarter)."""
    index = moment.year * 4 + (moment.month - 1) // 3 + quarters + 1
    return datetime(index // 4, (index % 4) * 3 + 1, 1, tzinfo=UTC)


EventHandler = Callable[[JourneyState, JourneyEvent, datetime], None]
DeadlineHandler = Callable[[JourneyState, Deadline, datetime], None]

_HANDLERS: dict[str, EventHandler] = {
    "intake.worker_registered.v1": JourneyState._registered,
    "intake.case_assigned.v1": JourneyState._assigned,
    "intake.skills_profile_updated.v1": JourneyState._guided,
    "intake.guidance_session_recorded.v1": JourneyState._guided,
    "intake.plan_status_changed.v1": JourneyState._plan_changed,
    "intake.case_closed.v1": JourneyState._case_closed,
    "intake.case_reopened.v1": JourneyState._case_reopened,
    "training.enrolled.v1": JourneyState._enrolled,
    "training.completed.v1": JourneyState._training_completed,
    "training.failed.v1": JourneyState._training_ended_unfinished,
    "training.withdrawn.v1": JourneyState._training_ended_unfinished,
    "training.certificate_issued.v1": JourneyState._certified,
    "placement.hired.v1": JourneyState._hired,
    "placement.job_ended.v1": JourneyState._work_ended,
    "placement.business_started.v1": JourneyState._business_started,
    "placement.business_closed.v1": JourneyState._work_ended,
    "placement.follow_up_task_created.v1": JourneyState._follow_up_task_created,
    "placement.follow_up_completed.v1": JourneyState._follow_up_completed,
    "complaints.complaint_opened.v1": JourneyState._complaint_opened,
    "benefits.application_decided.v1": JourneyState._benefit_decided,
    "complaints.complaint_closed.v1": JourneyState._complaint_closed,
    **{event_type: JourneyState._referred for event_type in REFERRAL_EVENT_TYPES},
}

_DEADLINE_HANDLERS: dict[DeadlineKind, DeadlineHandler] = {
    DeadlineKind.EMPLOYMENT_STARTS: JourneyState._employment_starts,
    DeadlineKind.FOLLOW_UP_DUE: JourneyState._follow_up_due,
    DeadlineKind.FOLLOW_UP_REMIND: JourneyState._follow_up_remind,
    DeadlineKind.FOLLOW_UP_ESCALATE: JourneyState._follow_up_escalate,
    DeadlineKind.STABILITY_CHECK: JourneyState._stability_check,
    DeadlineKind.JOB_SEARCH_REVIEW: JourneyState._job_search_review,
    DeadlineKind.ZERO_EMPLOYMENT_RECOMMENDATION: JourneyState._zero_employment_overdue,
    DeadlineKind.OUTCOME_Q2: JourneyState._outcome_q2,
    DeadlineKind.OUTCOME_Q4: JourneyState._outcome_q4,
}

JOURNEY_EVENT_TYPES = frozenset(_HANDLERS) | {
    "complaints.complaint_status_changed.v1",
    "training.waitlisted.v1",
}
"""The event types the bridge delivers to journeys; the rest of a topic is ignored."""
