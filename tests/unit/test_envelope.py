import json
import uuid

import pytest
from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.events import UnknownEventType, parse_event
from contracts.events.intake import WorkerRegistered
from contracts.ids import uuid7
from tests.factories import registered_envelope


def test_uuid7_is_version_7_and_sorts_by_creation():
    ids = [uuid7() for _ in range(200)]
    assert all(i.version == 7 and i.variant == uuid.RFC_4122 for i in ids)
    assert [str(i)[:13] for i in ids] == sorted(str(i)[:13] for i in ids)
    assert len(set(ids)) == 200


def test_event_travels_in_a_cloudevents_envelope_keyed_by_case():
    envelope = registered_envelope("case-1")
    document = json.loads(envelope.to_bytes())
    assert document["specversion"] == "1.0"
    assert document["type"] == "intake.worker_registered.v1"
    assert document["source"] == "/services/intake"
    assert document["subject"] == "case-1"
    assert document["dataschema"].endswith("/intake.worker_registered.v1.json")
    assert document["correlationid"] == "test-case-1"
    assert Envelope.from_bytes(envelope.to_bytes()) == envelope


def test_envelope_data_parses_back_into_its_event_model():
    event = parse_event(registered_envelope("case-2"))
    assert isinstance(event, WorkerRegistered)
    assert event.case_id == "case-2"


def test_unknown_event_type_is_refused():
    envelope = registered_envelope("case-3").model_copy(update={"type": "intake.unheard_of.v1"})
    with pytest.raises(UnknownEventType):
        parse_event(envelope)


@pytest.mark.parametrize(
    "broken",
    [b"not json", b"{}", b'{"specversion": "0.3"}'],
)
def test_malformed_envelopes_are_refused(broken):
    with pytest.raises(ValidationError):
        Envelope.from_bytes(broken)


def test_envelope_refuses_unknown_attributes():
    document = json.loads(registered_envelope("case-4").to_bytes())
    document["surprise"] = 1
    with pytest.raises(ValidationError):
        Envelope.model_validate(document)
