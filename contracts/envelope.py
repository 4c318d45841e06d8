"""The CloudEvents 1.0 envelope (JSON structured mode) every event travels in."""

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.ids import uuid7

SCHEMA_BASE_URL = "https://reemploy.example/contracts/schemas"


class Envelope(BaseModel):
    """One domain event as published on Kafka. The Kafka key is `subject` (the case id)."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(default_factory=lambda: str(uuid7()), description="UUIDv7, unique per event")
    source: str = Field(pattern=r"^/services/[a-z]+$", description="The producing service")
    type: str = Field(pattern=r"^[a-z]+\.[a-z_]+\.v[0-9]+$", description="<service>.<event_name>.v<N>")
    subject: str = Field(min_length=1, description="The case id; also the Kafka key")
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    data: dict[str, Any]
    correlationid: str = Field(min_length=1)
    causationid: str | None = None

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "Envelope":
        return cls.model_validate_json(raw)


def schema_url(event_type: str) -> str:
    return f"{SCHEMA_BASE_URL}/{event_type}.json"
