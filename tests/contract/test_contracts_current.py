"""Fails when a generated file in contracts/ no longer matches the code: run `make contracts`."""

import json

from tools.contracts import ROOT, check_contracts


def test_generated_contracts_are_current():
    assert check_contracts() == []


def test_every_event_schema_is_a_cloudevent_with_typed_data():
    for path in (ROOT / "schemas").glob("*.json"):
        schema = json.loads(path.read_text())
        assert schema["properties"]["type"]["const"] == path.stem
        assert {"id", "source", "type", "subject", "time", "data"} <= set(schema["required"])
        assert schema["properties"]["data"]["additionalProperties"] is False


def test_openapi_documents_the_error_body():
    document = json.loads((ROOT / "openapi" / "intake.json").read_text())
    responses = document["paths"]["/workers"]["post"]["responses"]
    assert {"201", "400", "413", "422"} <= set(responses)
