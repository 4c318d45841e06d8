"""Event payload models and the registry that maps an event type to its model and topic."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from contracts.envelope import Envelope, schema_url


class Event(BaseModel):
    """Base of every event payload. Subclasses name their type, topic, source and the field that is the
    subject (also the Kafka key, so events about one subject keep their order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    source: ClassVar[str]
    subject_field: ClassVar[str]

    def subject(self) -> str:
        value: str = getattr(self, self.subject_field)
        return value

    def envelope(self, *, correlation_id: str, causation_id: str | None = None) -> Envelope:
        return Envelope(
            source=self.source,
            type=self.event_type,
            subject=self.subject(),
            dataschema=schema_url(self.event_type),
            data=self.model_dump(mode="json"),
            correlationid=correlation_id,
            causationid=causation_id,
        )


class CaseEvent(Event):
    """An event about one worker's case: the case id is the subject."""

    subject_field = "case_id"

    case_id: str


def registry() -> dict[str, type[Event]]:
    """Every event model by its type name."""
    from contracts.events import benefits, complaints, intake, journey, placement, training

    models: list[type[Event]] = []
    for module in (intake, training, placement, complaints, journey, benefits):
        models.extend(module.EVENTS)
    return {model.event_type: model for model in models}


class UnknownEventType(ValueError):
    """No event model is registered for this type."""


def parse_event(envelope: Envelope) -> Event:
    """Validate an envelope's data against the model of its type."""
    model = registry().get(envelope.type)
    if model is None:
        raise UnknownEventType(envelope.type)
    return model.model_validate(envelope.data)
