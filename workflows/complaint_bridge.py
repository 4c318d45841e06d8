"""Turns complaints events into signals on `complaint-{complaint_id}`, starting the workflow if needed.

Every status event is a signal-with-start, so whichever event arrives first starts the workflow (the opened
event normally, since one case's events keep their order). Dedupe lives in the workflow (it remembers the
event ids it applied). A finished workflow is never started again by a repeated event.
"""

from datetime import date
from typing import Any

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts.complaint_workflow import (
    EVENT_SIGNAL,
    WORKFLOW_NAME,
    ComplaintEvent,
    ComplaintInput,
    WorkingCalendarSpec,
    complaint_workflow_id,
)
from contracts.envelope import Envelope
from contracts.events.complaints import (
    ComplaintClosed,
    ComplaintOpened,
    ComplaintStatus,
    ComplaintStatusChanged,
)
from services.common.consumer import Outcome, PermanentError

BridgedEvent = ComplaintOpened | ComplaintStatusChanged | ComplaintClosed
BRIDGED_EVENTS: dict[str, type[BridgedEvent]] = {
    model.event_type: model for model in (ComplaintOpened, ComplaintStatusChanged, ComplaintClosed)
}


class ComplaintCalendarSettings(BaseSettings):
    """The station's calendar and the time scale, read in the bridge's composition root.

    `REEMPLOY_PUBLIC_HOLIDAYS` and `REEMPLOY_MAKEUP_WORKING_DAYS` are JSON lists of dates; each complaint's
    workflow keeps the calendar it was started with.
    """

    model_config = SettingsConfigDict(env_prefix="REEMPLOY_", extra="ignore")

    public_holidays: list[date] = []
    makeup_working_days: list[date] = []
    station_utc_offset_hours: int = Field(default=8, ge=-12, le=14)
    complaint_time_scale: float = Field(default=1.0, gt=0)

    def calendar(self) -> WorkingCalendarSpec:
        return WorkingCalendarSpec(
            public_holidays=tuple(self.public_holidays),
            makeup_working_days=tuple(self.makeup_working_days),
            utc_offset_hours=self.station_utc_offset_hours,
        )


class ComplaintBridge:
    def __init__(
        self,
        client: Client,
        *,
        task_queue: str,
        calendar: WorkingCalendarSpec | None = None,
        time_scale: float = 1.0,
    ) -> None:
        self.client = client
        self.task_queue = task_queue
        self.calendar = calendar or WorkingCalendarSpec()
        self.time_scale = time_scale

    async def __call__(self, envelope: Envelope) -> Outcome:
        model = BRIDGED_EVENTS.get(envelope.type)
        if model is None:
            return "ignored"
        try:
            event = model.model_validate(envelope.data)
        except ValidationError as error:
            raise PermanentError(
                f"{envelope.type} {envelope.id} does not match its schema: {error}"
            ) from error
        start, status = self._start_and_status(event)
        try:
            await self.client.start_workflow(
                WORKFLOW_NAME,
                start,
                id=complaint_workflow_id(start.complaint_id),
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[
                    ComplaintEvent(
                        event_id=envelope.id,
                        event_type=envelope.type,
                        status=status,
                        occurred_at=envelope.time,
                    )
                ],
            )
        except WorkflowAlreadyStartedError:
            if await self._finished(start.complaint_id):
                return "duplicate"
            raise
        return "applied"

    def _start_and_status(self, event: BridgedEvent) -> tuple[ComplaintInput, ComplaintStatus]:
        common: dict[str, Any] = {
            "complaint_id": event.complaint_id,
            "case_id": event.case_id,
            "category": event.category,
            "calendar": self.calendar,
            "time_scale": self.time_scale,
        }
        if isinstance(event, ComplaintOpened):
            return ComplaintInput(**common, opened_at=event.opened_at), ComplaintStatus.OPEN
        if isinstance(event, ComplaintStatusChanged):
            return ComplaintInput(**common), event.status
        return ComplaintInput(**common), ComplaintStatus.CLOSED

    async def _finished(self, complaint_id: str) -> bool:
        description = await self.client.get_workflow_handle(complaint_workflow_id(complaint_id)).describe()
        return description.status is not WorkflowExecutionStatus.RUNNING
