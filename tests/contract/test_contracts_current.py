"""Fails when a generated file in contracts/ no longer matches the code: run `make contracts`."""

import json
from collections.abc import Iterator
from typing import Any

from tools.contracts import ROOT, check_contracts


def test_generated_contracts_are_current():
    assert check_contracts() == []


def test_every_event_schema_is_a_cloudevent_with_typed_data():
    for path in (ROOT / "schemas").glob("*.json"):
        schema = json.loads(path.read_text())
        assert schema["properties"]["type"]["const"] == path.stem
        assert {"id", "source", "type", "subject", "time", "data"} <= set(schema["required"])
        assert schema["properties"]["data"]["additionalProperties"] is False


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def _documents() -> dict[str, dict[str, Any]]:
    return {path.stem: json.loads(path.read_text()) for path in sorted((ROOT / "openapi").glob("*.json"))}


def test_openapi_documents_the_error_body():
    document = _documents()["intake"]
    responses = document["paths"]["/workers"]["post"]["responses"]
    assert {"201", "400", "401", "403", "409", "413", "422", "503"} <= set(responses)
    assert responses["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert set(document["components"]["schemas"]["ErrorBody"]["required"]) == {"error", "message"}


def test_every_error_answer_is_described_with_a_machine_readable_body():
    for service, document in _documents().items():
        schemas = document["components"]["schemas"]
        assert "ErrorBody" in schemas and "HTTPValidationError" not in schemas, service
        for name, operation in _operations(document):
            for status, response in operation["responses"].items():
                if status.startswith("4") or status == "503":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema["$ref"] in {
                        "#/components/schemas/ErrorBody",
                        "#/components/schemas/TokenErrorBody",
                    }, (service, name, status)
                    assert response["description"] not in {"Additional Response", "Validation Error"}, (
                        service,
                        name,
                        status,
                    )


def test_a_route_that_wants_a_token_lists_its_refusals():
    for service, document in _documents().items():
        for name, operation in _operations(document):
            if operation.get("security"):
                assert {"401", "503"} <= set(operation["responses"]), (service, name)
                assert "WWW-Authenticate" in operation["responses"]["401"]["headers"], (service, name)


def test_a_route_that_takes_a_json_body_lists_malformed_and_oversized_bodies():
    for service, document in _documents().items():
        for name, operation in _operations(document):
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                assert {"400", "413", "422"} <= set(operation["responses"]), (service, name)


def test_a_rate_limited_agency_route_lists_429():
    for service in ("benefits", "complaints"):
        for name, operation in _operations(_documents()[service]):
            if name.split(" ", 1)[1].startswith("/agencies/"):
                assert "Retry-After" in operation["responses"]["429"]["headers"], (service, name)
