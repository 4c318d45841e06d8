"""Events the worker's journey publishes through intake: kept in intake's outbox, and applied to the case.

The journey (a Temporal workflow) has no database of its own; its activity posts each event here. Writing
the event to the outbox and the stage to the case in one transaction means the event is published however
often the activity retries (deduplicated by event id), and a broker that loses it is healed by a replay of
intake's outbox like every other event.
"""

from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.events import Event, UnknownEventType, parse_event
from contracts.events.intake import ClosureReason
from contracts.events.journey import SOURCE, JourneyStageChanged
from contracts.journey import CLOSED_STAGES
from services.common.audit import AuditAction
from services.common.audit_api import Caller
from services.common.errors import DomainError
from services.intake import audited, lifecycle
from services.intake.collaborators import Intake
from services.intake.guards import require_case
from services.intake.schemas import Closure


async def record_journey_event(*, intake: Intake, envelope: Envelope, caller: Caller) -> bool:
    """Keep a journey event; False when it was kept before (the activity retried)."""
    event = _journey_event(envelope)
    async with intake.sessions.begin() as session:
        if await intake.outbox.holds(session, envelope.id):
            return False
        case = await require_case(session, envelope.subject, caller.principal)
        await intake.outbox.add_envelope(session, envelope, topic=event.topic)
        if isinstance(event, JourneyStageChanged) and event.sequence > case.journey_stage_sequence:
            case.journey_stage = event.stage.value
            case.journey_stage_since = event.changed_at
            case.journey_stage_sequence = event.sequence
            if event.stage in CLOSED_STAGES and case.status == "open":
                await lifecycle.close_in(
                    session, intake, case, _closure(event), correlation_id=envelope.correlationid
                )
                await audited.record(
                    session,
                    intake,
                    caller.access,
                    AuditAction.UPDATE,
                    audited.Resource.WORKER_CASE,
                    [case.case_id],
                )
    return True


def _journey_event(envelope: Envelope) -> Event:
    if envelope.source != SOURCE:
        raise DomainError(
            422,
            "not_a_journey_event",
            "Only the journey's events are kept here",
            [{"field": "source", "reason": f"must be {SOURCE}"}],
        )
    try:
        event = parse_event(envelope)
    except UnknownEventType as unknown:
        raise DomainError(
            422,
            "unknown_event_type",
            f"No event type {envelope.type}",
            [{"field": "type", "reason": str(unknown)}],
        ) from unknown
    except ValidationError as invalid:
        raise DomainError(
            422,
            "validation_failed",
            "The event's data does not match its schema",
            [{"field": "data." + ".".join(map(str, e["loc"])), "reason": e["msg"]} for e in invalid.errors()],
        ) from invalid
    if not envelope.type.startswith("journey."):
        raise DomainError(422, "not_a_journey_event", f"{envelope.type} is not a journey event")
    return event


def _closure(event: JourneyStageChanged) -> Closure:
    reasons = {reason.value for reason in ClosureReason}
    reason = event.exit_reason if event.exit_reason in reasons else ClosureReason.OTHER.value
    return Closure(reason=ClosureReason(reason), note=f"journey: {event.reason}"[:2000])
