"""`ReemploymentJourney`: one durable workflow per worker, from layoff to stable employment."""

from collections import deque
from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts.journey import (
        EVENT_SIGNAL,
        STATUS_QUERY,
        WORKFLOW_NAME,
        JourneyEvent,
        JourneyInput,
        JourneyStage,
        JourneyStatus,
    )

REMEMBERED_EVENT_IDS = 1000


@workflow.defn(name=WORKFLOW_NAME)
class ReemploymentJourney:
    @workflow.init
    def __init__(self, start: JourneyInput) -> None:
        self.case_id = start.case_id
        self.stage = JourneyStage.ASSESSMENT
        self.stage_since: datetime = workflow.now()
        self.events_applied = 0
        self.seen_event_ids: deque[str] = deque(maxlen=REMEMBERED_EVENT_IDS)

    @workflow.run
    async def run(self, start: JourneyInput) -> JourneyStatus:
        await workflow.wait_condition(
            lambda: self.stage in (JourneyStage.STABLE_EMPLOYMENT, JourneyStage.EXITED)
        )
        return self.status()

    @workflow.signal(name=EVENT_SIGNAL)
    def on_domain_event(self, event: JourneyEvent) -> None:
        """Apply each event once: the bridge may deliver the same event more than once."""
        if event.event_id in self.seen_event_ids:
            return
        self.seen_event_ids.append(event.event_id)
        self.events_applied += 1

    @workflow.query(name=STATUS_QUERY)
    def status(self) -> JourneyStatus:
        return JourneyStatus(
            case_id=self.case_id,
            stage=self.stage,
            stage_since=self.stage_since,
            events_applied=self.events_applied,
        )
