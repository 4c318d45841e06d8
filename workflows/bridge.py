"""The bridge: turns domain events into signals on `journey-{case_id}` (and a restructuring plan's events
into signals on `restructuring-{plan_id}`), starting the workflow if needed.

Its dedupe lives in the journey itself (the workflow remembers the event ids it applied), because the
bridge's effect is in Temporal, not in a database it could share a transaction with.

A journey that finished (closed and measured) is not started again by a late event; only a re-opened case
starts a new run of it. A journey that failed or was terminated is started again by its next event.
"""

from datetime import timedelta

from pydantic import BaseModel, ValidationError
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts.envelope import Envelope
from contracts.events import UnknownEventType, parse_event
from contracts.journey import EVENT_SIGNAL, TASK_QUEUE, WORKFLOW_NAME, JourneyEvent, JourneyInput, journey_id
from contracts.restructuring import PLAN_EVENT_TYPES, RestructuringInput, restructuring_id
from contracts.restructuring import WORKFLOW_NAME as RESTRUCTURING_WORKFLOW
from services.common.consumer import EventHandler, Outcome, PermanentError
from workflows.journey_handlers import JOURNEY_EVENT_TYPES

CONSUMER_NAME = "bridge"
RESTARTING_EVENT_TYPES = frozenset({"intake.case_reopened.v1"})
"""Events that start a new run of a journey that already finished."""


class JourneyBridge:
    """`task_timeout`: how long a workflow task of a workflow it starts may run before it is given to a
    worker again (Temporal's default 10 s); a task taken by a worker killed -9 waits that long."""

    def __init__(
        self,
        client: Client,
        *,
        task_queue: str = TASK_QUEUE,
        time_scale: float = 1.0,
        task_timeout: timedelta | None = None,
    ) -> None:
        self.client = client
        self.task_queue = task_queue
        self.time_scale = time_scale
        self.task_timeout = task_timeout

    async def __call__(self, envelope: Envelope) -> Outcome:
        start: BaseModel
        if envelope.type in JOURNEY_EVENT_TYPES:
            workflow, start, workflow_id = (
                WORKFLOW_NAME,
                JourneyInput(case_id=envelope.subject, time_scale=self.time_scale),
                journey_id(envelope.subject),
            )
        elif envelope.type in PLAN_EVENT_TYPES:
            workflow, start, workflow_id = (
                RESTRUCTURING_WORKFLOW,
                RestructuringInput(plan_id=envelope.subject, time_scale=self.time_scale),
                restructuring_id(envelope.subject),
            )
        else:
            return "ignored"
        try:
            parse_event(envelope)
        except (UnknownEventType, ValidationError) as error:
            raise PermanentError(
                f"{envelope.type} {envelope.id} does not match its schema: {error}"
            ) from error
        reuse = (
            WorkflowIDReusePolicy.ALLOW_DUPLICATE
            if envelope.type in RESTARTING_EVENT_TYPES
            else WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
        )
        try:
            await self.client.start_workflow(
                workflow,
                start,
                id=workflow_id,
                task_queue=self.task_queue,
                id_reuse_policy=reuse,
                task_timeout=self.task_timeout,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[
                    JourneyEvent(
                        event_id=envelope.id,
                        event_type=envelope.type,
                        occurred_at=envelope.time,
                        data=envelope.data,
                        correlation_id=envelope.correlationid,
                    )
                ],
            )
        except WorkflowAlreadyStartedError:
            return "ignored"
        return "applied"


class EventRouter:
    """Offers every event to each bridge (a complaint's events go to its workflow and to the journey)."""

    def __init__(self, *bridges: EventHandler) -> None:
        self.bridges = bridges

    async def __call__(self, envelope: Envelope) -> Outcome:
        outcomes = [await bridge(envelope) for bridge in self.bridges]
        for outcome in ("applied", "duplicate"):
            if outcome in outcomes:
                return outcome
        return "ignored"
