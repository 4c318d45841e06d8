"""The bridge: turns domain events into signals on `journey-{case_id}`, starting the journey if needed.

Its dedupe lives in the journey itself (the workflow remembers the event ids it applied), because the
bridge's effect is in Temporal, not in a database it could share a transaction with.
"""

from pydantic import ValidationError
from temporalio.client import Client

from contracts.envelope import Envelope
from contracts.events import UnknownEventType, parse_event
from contracts.events.intake import WorkerRegistered
from contracts.journey import EVENT_SIGNAL, TASK_QUEUE, WORKFLOW_NAME, JourneyEvent, JourneyInput, journey_id
from services.common.consumer import Outcome, PermanentError

CONSUMER_NAME = "bridge"
JOURNEY_EVENT_TYPES = frozenset({WorkerRegistered.event_type})


class JourneyBridge:
    def __init__(self, client: Client, *, task_queue: str = TASK_QUEUE) -> None:
        self.client = client
        self.task_queue = task_queue

    async def __call__(self, envelope: Envelope) -> Outcome:
        if envelope.type not in JOURNEY_EVENT_TYPES:
            return "ignored"
        try:
            parse_event(envelope)
        except (UnknownEventType, ValidationError) as error:
            raise PermanentError(
                f"{envelope.type} {envelope.id} does not match its schema: {error}"
            ) from error
        await self.client.start_workflow(
            WORKFLOW_NAME,
            JourneyInput(case_id=envelope.subject),
            id=journey_id(envelope.subject),
            task_queue=self.task_queue,
            start_signal=EVENT_SIGNAL,
            start_signal_args=[
                JourneyEvent(
                    event_id=envelope.id,
                    event_type=envelope.type,
                    occurred_at=envelope.time,
                    data=envelope.data,
                )
            ],
        )
        return "applied"
