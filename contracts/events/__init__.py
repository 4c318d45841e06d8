"""Event payload models and the registry that maps an event type to its model and topic."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.envelope import Envelope, schema_url


class Event(BaseModel):
    """Base of every event payload. Subclasses name their type, topic and source; `case_id` is the subject."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    source: ClassVar[str]

    case_id: str

    def envelope(self, *, correlation_id: str, causation_id: str | None = None) -> Envelope:
        return Envelope(
            source=self.source,
            type=self.event_type,
            subject=self.case_id,
            dataschema=schema_url(self.event_type),
            data=self.model_dump(mode="json"),
            correlationid=correlation_id,
            causationid=causation_id,
        )


def registry() -> dict[str, type[Event]]:
    """Every event model by its type name."""
    from contracts.events import intake

    models: list[type[Event]] = [*intake.EVENTS]
    return {model.event_type: model for model in models}


class UnknownEventType(ValueError):
    pass


def parse_event(envelope: Envelope) -> Event:
    """Validate an envelope's data against the model of its type."""
    model = registry().get(envelope.type)
    if model is None:
        raise UnknownEventType(envelope.type)
    return model.model_validate(envelope.data)
