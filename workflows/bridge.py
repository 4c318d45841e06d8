"""The bridge: turns domain events into signals on `journey-{case_id}` (and a restructuring plan's events
into signals on `restructuring-{plan_id}`), starting the workflow if needed.

Its dedupe lives in the journey itself (the workflow remembers the event ids it applied), because the
bridge's effect is in Temporal, not in a database it could share a transaction with.

A journey that finished (closed and measured) is not started again by a late event; only a re-opened case
starts a new run of it. A journey that failed or was terminated is started again by its next event.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeGuard

from pydantic import BaseModel, ValidationError
from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from contracts.envelope import Envelope
from contracts.events import UnknownEventType, parse_event
from contracts.journey import (
    EVENT_SIGNAL,
    EVENTS_SIGNAL,
    TASK_QUEUE,
    WORKFLOW_NAME,
    JourneyEvent,
    JourneyInput,
    journey_id,
)
from contracts.restructuring import PLAN_EVENT_TYPES, RestructuringInput, restructuring_id
from contracts.restructuring import WORKFLOW_NAME as RESTRUCTURING_WORKFLOW
from services.common.consumer import AppliesRuns, EventHandler, Outcome, PermanentError
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
        delivery = self._delivery(envelope)
        if delivery is None:
            return "ignored"
        return await self._signal_with_start(delivery, EVENT_SIGNAL, delivery.event)

    async def apply_run(self, envelopes: Sequence[Envelope]) -> list[Outcome]:
        """Events of one key in order, consecutive ones for the same journey in one signal-with-start: a
        registration and its assignment cost Temporal one call and one workflow task, not two.

        An event that restarts a finished journey, or goes to another workflow, is delivered alone.
        """
        deliveries = [self._delivery(envelope) for envelope in envelopes]
        outcomes: list[Outcome] = ["ignored"] * len(envelopes)
        position = 0
        while position < len(deliveries):
            delivery = deliveries[position]
            if delivery is None:
                position += 1
                continue
            together = [delivery]
            end = position + 1
            while end < len(deliveries) and delivery.joins(later := deliveries[end]):
                together.append(later)
                end += 1
            if len(together) == 1:
                outcome = await self._signal_with_start(delivery, EVENT_SIGNAL, delivery.event)
            else:
                outcome = await self._signal_with_start(
                    delivery, EVENTS_SIGNAL, [each.event for each in together]
                )
            outcomes[position:end] = [outcome] * (end - position)
            position = end
        return outcomes

    def _delivery(self, envelope: Envelope) -> "_Delivery | None":
        """Where the event goes, or None for an event no workflow takes; PermanentError if it is broken."""
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
            return None
        try:
            parse_event(envelope)
        except (UnknownEventType, ValidationError) as error:
            raise PermanentError(
                f"{envelope.type} {envelope.id} does not match its schema: {error}"
            ) from error
        restarts = envelope.type in RESTARTING_EVENT_TYPES
        return _Delivery(
            workflow=workflow,
            start=start,
            workflow_id=workflow_id,
            restarts=restarts,
            event=JourneyEvent(
                event_id=envelope.id,
                event_type=envelope.type,
                occurred_at=envelope.time,
                data=envelope.data,
                correlation_id=envelope.correlationid,
            ),
        )

    async def _signal_with_start(self, delivery: "_Delivery", signal: str, argument: object) -> Outcome:
        reuse = (
            WorkflowIDReusePolicy.ALLOW_DUPLICATE
            if delivery.restarts
            else WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY
        )
        try:
            await self.client.start_workflow(
                delivery.workflow,
                delivery.start,
                id=delivery.workflow_id,
                task_queue=self.task_queue,
                id_reuse_policy=reuse,
                task_timeout=self.task_timeout,
                start_signal=signal,
                start_signal_args=[argument],
            )
        except WorkflowAlreadyStartedError:
            return "ignored"
        return "applied"


@dataclass(frozen=True)
class _Delivery:
    """One event for one workflow, and how to start that workflow if it is not running."""

    workflow: str
    start: BaseModel
    workflow_id: str
    restarts: bool
    event: JourneyEvent

    def joins(self, later: "_Delivery | None") -> TypeGuard["_Delivery"]:
        """Whether `later` can ride in the same signal: a journey's, not one that restarts it."""
        return (
            later is not None
            and self.workflow == later.workflow == WORKFLOW_NAME
            and later.workflow_id == self.workflow_id
            and not self.restarts
            and not later.restarts
        )


class EventRouter:
    """Offers every event to each bridge (a complaint's events go to its workflow and to the journey)."""

    def __init__(self, *bridges: EventHandler) -> None:
        self.bridges = bridges

    async def __call__(self, envelope: Envelope) -> Outcome:
        return _strongest([await bridge(envelope) for bridge in self.bridges])

    async def apply_run(self, envelopes: Sequence[Envelope]) -> list[Outcome]:
        """A key's events to each bridge: as a run to one that takes runs, one by one to the others."""
        by_bridge: list[Sequence[Outcome]] = []
        for bridge in self.bridges:
            if isinstance(bridge, AppliesRuns):
                by_bridge.append(await bridge.apply_run(envelopes))
            else:
                by_bridge.append([await bridge(envelope) for envelope in envelopes])
        return [_strongest(outcomes) for outcomes in zip(*by_bridge, strict=True)]


def _strongest(outcomes: Sequence[Outcome]) -> Outcome:
    for outcome in ("applied", "duplicate"):
        if outcome in outcomes:
            return outcome
    return "ignored"
