"""`ReemploymentJourney`: one durable workflow per worker, from layoff to stable employment.

A thin shell around `JourneyState`: signals (domain events from the bridge) and caseworker updates change the
state; the run loop fires due deadlines, performs the actions they queue through activities, keeps the search
attributes current, and continues as new before the history grows large.
"""

from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributeUpdate
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from contracts.envelope import Envelope, schema_url
    from contracts.events.journey import SOURCE
    from contracts.ids import uuid7
    from contracts.journey import (
        CLOSE_AS_STABLE_UPDATE,
        EVENT_SIGNAL,
        EVENTS_SIGNAL,
        RECORD_EXIT_UPDATE,
        RECORD_PROGRESS_UPDATE,
        STATUS_QUERY,
        TIMELINE_QUERY,
        WORKFLOW_NAME,
        ExitRequest,
        JourneyEvent,
        JourneyInput,
        JourneyStatus,
        JourneyTimeline,
        ProgressNote,
        StableClosureRequest,
        UpdateOutcome,
        journey_id,
    )
    from workflows.activities import JourneyActivities
    from workflows.alarm import Alarm
    from workflows.journey_memory import ApplyForPolicySupport, CreateFollowUpTask, PublishEvent
    from workflows.journey_state import JourneyState

STAGE = SearchAttributeKey.for_keyword("JourneyStage")
COMMUNITY = SearchAttributeKey.for_keyword("CommunityCode")
ASSISTANT = SearchAttributeKey.for_keyword("AssistantId")
HARDSHIP_FLAGS = SearchAttributeKey.for_keyword_list("HardshipFlags")

CANCEL_FOLLOW_UP_TASKS = "cancel-follow-up-tasks"
"""Patch: journeys started before it never cancelled placement's tasks; replaying them must not either."""
APPLY_FOR_POLICY_SUPPORT = "apply-for-policy-support"
"""Patch: journeys started before it never applied for policy support when a business started."""

ACTIVITY_TIMEOUT = timedelta(seconds=30)
ACTIVITY_RETRIES = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=1)
)
"""Services may be down for a while: retry until they answer; a refusal (4xx) is not retried."""


@workflow.defn(name=WORKFLOW_NAME)
class ReemploymentJourney:
    @workflow.init
    def __init__(self, start: JourneyInput) -> None:
        if start.carried is not None:
            self.state = JourneyState.model_validate(start.carried)
        else:
            self.state = JourneyState(
                case_id=start.case_id, time_scale=start.time_scale, stage_since=workflow.now()
            )
        self.alarm = Alarm()
        self.search_attributes = start.search_attributes
        self.shown: tuple[object, ...] | None = None

    @workflow.run
    async def run(self, start: JourneyInput) -> JourneyStatus:
        while True:
            self.state.fire_due(workflow.now())
            await self._perform_actions()
            self._show_search_attributes()
            if self.state.finished and not self.state.actions:
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self.state.actions:
                    return self.status()
                continue
            if self._history_is_long() and not self.state.actions:
                await workflow.wait_condition(workflow.all_handlers_finished)
                if not self.state.actions:
                    workflow.continue_as_new(
                        JourneyInput(
                            case_id=self.state.case_id,
                            time_scale=self.state.time_scale,
                            search_attributes=self.search_attributes,
                            carried=self.state.model_dump(mode="json"),
                        )
                    )
                continue
            await self.alarm.wait(self.state.next_deadline())

    @workflow.signal(name=EVENT_SIGNAL)
    def on_domain_event(self, event: JourneyEvent) -> None:
        if self.state.apply(event, workflow.now()):
            self.alarm.ring()

    @workflow.signal(name=EVENTS_SIGNAL)
    def on_domain_events(self, events: list[JourneyEvent]) -> None:
        for event in events:
            self.on_domain_event(event)

    @workflow.update(name=RECORD_EXIT_UPDATE)
    def record_exit(self, request: ExitRequest) -> UpdateOutcome:
        self.state.record_exit(request.reason, request.note, workflow.now())
        return self._changed()

    @record_exit.validator
    def _validate_exit(self, request: ExitRequest) -> None:
        _refuse_if(self.state.exit_refusal())

    @workflow.update(name=CLOSE_AS_STABLE_UPDATE)
    def close_as_stable(self, request: StableClosureRequest) -> UpdateOutcome:
        self.state.close_as_stable(request.note, workflow.now())
        return self._changed()

    @close_as_stable.validator
    def _validate_close_as_stable(self, request: StableClosureRequest) -> None:
        _refuse_if(self.state.exit_refusal())
        gaps = self.state.stability_gaps(workflow.now())
        _refuse_if(f"the stable-employment rule does not hold: {'; '.join(gaps)}" if gaps else None)

    @workflow.update(name=RECORD_PROGRESS_UPDATE)
    def record_job_search_progress(self, request: ProgressNote) -> UpdateOutcome:
        self.state.record_progress(request.note, workflow.now())
        return self._changed()

    @record_job_search_progress.validator
    def _validate_progress(self, request: ProgressNote) -> None:
        _refuse_if(self.state.exit_refusal())

    @workflow.query(name=STATUS_QUERY)
    def status(self) -> JourneyStatus:
        state = self.state
        return JourneyStatus(
            case_id=state.case_id,
            stage=state.stage,
            stage_since=state.stage_since,
            events_applied=state.events_applied,
            follow_ups=state.follow_up_views(),
            employed_since=state.employment.started_at if state.employment else None,
            open_complaints=len(state.open_complaints),
            stable_employment_due=state.stable_employment_due(),
        )

    @workflow.query(name=TIMELINE_QUERY)
    def timeline(self) -> JourneyTimeline:
        return JourneyTimeline(case_id=self.state.case_id, entries=self.state.timeline)

    def _changed(self) -> UpdateOutcome:
        self.alarm.ring()
        return UpdateOutcome(stage=self.state.stage, stage_since=self.state.stage_since)

    async def _perform_actions(self) -> None:
        while self.state.actions:
            action = self.state.actions.pop(0)
            try:
                if isinstance(action, PublishEvent):
                    await workflow.execute_activity_method(
                        JourneyActivities.publish_journey_event,
                        self._envelope(action),
                        start_to_close_timeout=ACTIVITY_TIMEOUT,
                        retry_policy=ACTIVITY_RETRIES,
                    )
                elif isinstance(action, CreateFollowUpTask):
                    await self._create_follow_up_task(action)
                elif isinstance(action, ApplyForPolicySupport):
                    if workflow.patched(APPLY_FOR_POLICY_SUPPORT):
                        outcome = await workflow.execute_activity_method(
                            JourneyActivities.apply_for_policy_support,
                            action,
                            start_to_close_timeout=ACTIVITY_TIMEOUT,
                            retry_policy=ACTIVITY_RETRIES,
                        )
                        self.state.note(workflow.now(), "policy_support_application", outcome)
                elif workflow.patched(CANCEL_FOLLOW_UP_TASKS):
                    await workflow.execute_activity_method(
                        JourneyActivities.cancel_follow_up_task,
                        action,
                        start_to_close_timeout=ACTIVITY_TIMEOUT,
                        retry_policy=ACTIVITY_RETRIES,
                    )
            except ActivityError as error:
                self.state.note_failure(workflow.now(), str(error.cause or error))

    async def _create_follow_up_task(self, task: CreateFollowUpTask) -> None:
        await workflow.execute_activity_method(
            JourneyActivities.create_follow_up_task,
            task,
            start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=ACTIVITY_RETRIES,
        )

    def _envelope(self, action: PublishEvent) -> Envelope:
        """The event's envelope, with an id made from the workflow's clock and randomness (same on replay)."""
        now = workflow.now()
        event_id = uuid7(unix_ms=int(now.timestamp() * 1000), entropy=workflow.random().randbytes(10))
        return Envelope(
            id=str(event_id),
            source=SOURCE,
            type=action.event_type,
            subject=self.state.case_id,
            time=now,
            dataschema=schema_url(action.event_type),
            data=action.data,
            correlationid=action.correlation_id or journey_id(self.state.case_id),
            causationid=action.causation_id,
        )

    def _show_search_attributes(self) -> None:
        state = self.state
        shown = (state.stage, state.community_code, state.assistant_id, tuple(state.hardship_flags))
        if not self.search_attributes or shown == self.shown:
            return
        self.shown = shown
        updates: list[SearchAttributeUpdate[Any]] = [
            STAGE.value_set(state.stage.value),
            HARDSHIP_FLAGS.value_set(list(state.hardship_flags)),
            COMMUNITY.value_set(state.community_code) if state.community_code else COMMUNITY.value_unset(),
            ASSISTANT.value_set(state.assistant_id) if state.assistant_id else ASSISTANT.value_unset(),
        ]
        workflow.upsert_search_attributes(updates)

    def _history_is_long(self) -> bool:
        info = workflow.info()
        limit = self.state.rules.history_events_before_continue_as_new
        return info.is_continue_as_new_suggested() or info.get_current_history_length() >= limit


def _refuse_if(reason: str | None) -> None:
    """Update validators refuse with the reason; a refused update never enters the history."""
    if reason is not None:
        raise ValueError(reason)
