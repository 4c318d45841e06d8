"""Generates contracts/: JSON Schema per event type, asyncapi.yaml and openapi/<service>.json.

An existing event schema may only change compatibly (add optional fields); anything else needs a new
`vN+1` event type, so the generator refuses to overwrite a schema with an incompatible one.
"""

import json
from pathlib import Path
from typing import Any

import yaml

from contracts.envelope import Envelope
from contracts.events import Event, registry
from contracts.events.benefits import FEED_NOTICES
from contracts.topics import EVENT_TOPICS, FEED_TOPICS, PARTITIONS, SUBSCRIPTIONS, dead_letter_topic

ROOT = Path(__file__).resolve().parent.parent / "contracts"
SCHEMAS = ROOT / "schemas"


class IncompatibleSchema(Exception):
    """The new schema would refuse events the old one accepted."""


def event_schema(model: type[Event]) -> dict[str, Any]:
    """The envelope's schema with `type` fixed to the event type and `data` the event's own schema."""
    schema = Envelope.model_json_schema(mode="serialization")
    data = model.model_json_schema(mode="serialization")
    definitions = data.pop("$defs", {})
    schema["title"] = model.event_type
    schema["description"] = (model.__doc__ or "").strip()
    schema["properties"]["type"] = {"const": model.event_type, "title": "Type"}
    schema["properties"]["data"] = data
    if definitions:
        schema["$defs"] = {**schema.get("$defs", {}), **definitions}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def asyncapi() -> dict[str, Any]:
    events = registry()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, model in sorted(events.items()):
        name = event_type.replace(".", "_")
        messages[name] = {
            "name": event_type,
            "title": event_type,
            "summary": (model.__doc__ or "").strip(),
            "contentType": "application/cloudevents+json",
            "payload": {"$ref": f"./schemas/{event_type}.json"},
            "bindings": {"kafka": {"key": {"type": "string", "description": _key(model.subject_field)}}},
        }
    for topic in EVENT_TOPICS:
        producer = topic.split(".", 1)[0]
        topic_messages = {
            t.replace(".", "_"): {"$ref": f"#/components/messages/{t.replace('.', '_')}"}
            for t, m in sorted(events.items())
            if m.topic == topic
        }
        channels[topic] = {
            "address": topic,
            "description": f"Domain events of the {producer} service, keyed by case id.",
            "messages": topic_messages,
            "bindings": {"kafka": {"partitions": PARTITIONS}},
        }
        operations[f"{producer}_publishes"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_escape(topic)}"},
            "summary": f"The {producer} relay publishes the outbox",
        }
        for consumer in sorted(c for c, topics in SUBSCRIPTIONS.items() if topic in topics):
            operations[f"{consumer}_consumes_{producer}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{_escape(topic)}"},
                "summary": f"{consumer} applies these events once each (dedupe by event id)",
            }
    for topic in FEED_TOPICS:
        agency = topic.split(".", 1)[1]
        channels[topic] = {
            "address": topic,
            "description": (
                f"The {agency} agency's feed: only the fields its purpose needs, keyed by application id. "
                "The same CloudEvents are POSTed to the agency's webhook, signed with "
                '`X-Reemploy-Signature: sha256=<hex HMAC-SHA256 of "<X-Reemploy-Timestamp>.<body>">`.'
            ),
            "messages": {
                t.replace(".", "_"): {"$ref": f"#/components/messages/{t.replace('.', '_')}"}
                for t, m in sorted(events.items())
                if m.topic == topic or m in FEED_NOTICES
            },
            "bindings": {"kafka": {"partitions": PARTITIONS}},
        }
        operations[f"benefits_feeds_{agency}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_escape(topic)}"},
            "summary": f"The benefits relay publishes the {agency} feed; the agency reads it",
        }
    for consumer in SUBSCRIPTIONS:
        topic = dead_letter_topic(consumer)
        channels[topic] = {
            "address": topic,
            "description": f"Events {consumer} could not apply, unchanged, with the error in headers.",
            "messages": {"dead_letter": {"$ref": "#/components/messages/dead_letter"}},
        }
        operations[f"{consumer}_dead_letters"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{_escape(topic)}"},
        }
    messages["dead_letter"] = {
        "name": "dead_letter",
        "summary": "The original record's value and key; the failure in headers",
        "headers": {
            "type": "object",
            "properties": {
                name: {"type": "string"}
                for name in (
                    "error_type",
                    "error_message",
                    "consumer",
                    "original_topic",
                    "original_partition",
                    "original_offset",
                    "attempts",
                )
            },
        },
        "payload": {"description": "The original bytes (normally a CloudEvent, unless that was the problem)"},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Reemploy events",
            "version": "1.0.0",
            "description": "Domain events of Reemploy in CloudEvents 1.0 JSON structured mode.",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "embedded": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "Tansu (make up)"},
            "production": {"host": "kafka:9092", "protocol": "kafka", "description": "Apache Kafka (KRaft)"},
        },
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def _key(subject_field: str) -> str:
    return "The case id" if subject_field == "case_id" else f"The {subject_field.replace('_', ' ')}"


def _escape(topic: str) -> str:
    return topic.replace("~", "~0").replace("/", "~1")


def openapi_documents() -> dict[str, dict[str, Any]]:
    from deploy.registry import service_definitions
    from services.common.settings import ServiceSettings

    return {
        name: definition.create_app(ServiceSettings()).openapi()
        for name, definition in sorted(service_definitions().items())
    }


def generated() -> dict[Path, str]:
    files = {
        SCHEMAS / f"{event_type}.json": _json(event_schema(model)) for event_type, model in registry().items()
    }
    files[ROOT / "asyncapi.yaml"] = yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True, width=110)
    for name, document in openapi_documents().items():
        files[ROOT / "openapi" / f"{name}.json"] = _json(document)
    return files


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check_compatible(old: dict[str, Any], new: dict[str, Any]) -> None:
    """Raise unless `new` accepts every event `old` accepted: no field removed, retyped or newly required."""
    old_data, new_data = old["properties"]["data"], new["properties"]["data"]
    name = old.get("title", "?")
    for field, spec in old_data.get("properties", {}).items():
        if field not in new_data.get("properties", {}):
            raise IncompatibleSchema(f"{name}: field {field!r} removed; publish a new version instead")
        if _shape(spec) != _shape(new_data["properties"][field]):
            raise IncompatibleSchema(f"{name}: field {field!r} changed type; publish a new version instead")
    added = set(new_data.get("required", [])) - set(old_data.get("required", []))
    if added:
        raise IncompatibleSchema(f"{name}: newly required {sorted(added)}; publish a new version instead")


def _shape(spec: dict[str, Any]) -> Any:
    return {key: spec.get(key) for key in ("type", "format", "$ref", "anyOf", "items")}


def write_contracts() -> list[Path]:
    written = []
    for path, content in generated().items():
        if path.parent == SCHEMAS and path.exists():
            check_compatible(json.loads(path.read_text()), json.loads(content))
        if not path.exists() or path.read_text() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content)
            written.append(path)
    return written


def check_contracts() -> list[str]:
    """The contract files that differ from what the code generates, or that the code no longer generates."""
    files = generated()
    stale = [
        str(path.relative_to(ROOT.parent))
        for path, content in files.items()
        if not path.exists() or path.read_text() != content
    ]
    leftovers = [p for p in [*SCHEMAS.glob("*.json"), *(ROOT / "openapi").glob("*.json")] if p not in files]
    return stale + [str(path.relative_to(ROOT.parent)) for path in leftovers]
