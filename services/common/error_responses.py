"""Every error a route can answer, written into its app's OpenAPI document with the `ErrorBody` schema.

The statuses many routes share are derived, not listed route by route:

- from the route's dependencies: a dependency marked `answers(...)` documents its statuses on every route
  that depends on it, however deep (the bearer-token check 401 and 503, `require(scope)` 403, a client's
  rate limit 429);
- from the route's inputs, as the document shows them: 422 `validation_failed` where it takes parameters or
  a body, 400 `malformed_json` and 413 `body_too_large` where it takes a JSON body.

What only a route's own code raises (404, 409, a domain 422...) the route declares with
`responses=refusals({404: "`case_not_found`: no such case"})`. Every 4xx and 503 answer the document lists
without a body schema gets `ErrorBody`; FastAPI's own 422 schema (`HTTPValidationError`) is replaced by it,
since the error handlers answer `ErrorBody` (`services.common.errors`).
"""

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from services.common.errors import ErrorBody

ANSWERS_ATTRIBUTE = "__reemploy_answers__"
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorBody"}
FASTAPI_DESCRIPTIONS = frozenset({"Additional Response", "Validation Error"})
"""What FastAPI writes when a response names no description of its own."""
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")

Dependency = TypeVar("Dependency", bound=Callable[..., Any])


@dataclass(frozen=True)
class Answer:
    """An error answer: what it means (its `error` codes first), and the headers it carries."""

    description: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Header name → what it says."""


def answers(documented: Mapping[int, Answer]) -> Callable[[Dependency], Dependency]:
    """Mark a dependency with the error answers it gives; every route depending on it documents them."""

    def mark(dependency: Dependency) -> Dependency:
        setattr(dependency, ANSWERS_ATTRIBUTE, dict(documented))
        return dependency

    return mark


def refusals(described: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """`responses=` for the errors a route's own code raises, each described "`code`: what it means"."""
    return {status: {"model": ErrorBody, "description": meaning} for status, meaning in described.items()}


INVALID_INPUT = {
    422: Answer("`validation_failed`: a parameter or field is not valid; `errors` names each, with its rule")
}
JSON_BODY = {
    400: Answer("`malformed_json`: the body is not valid JSON"),
    413: Answer("`body_too_large`: the body is larger than the service accepts"),
}


def document_errors(app: FastAPI) -> None:
    """Make `app.openapi()` (served at /openapi.json, and what `deploy contracts` writes) list every error
    answer of every route, as derived from the routes once they are all declared."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        fresh = app.openapi_schema is None
        document = generate()
        if fresh:
            add_error_responses(document, app)
        return document

    setattr(app, "openapi", openapi)  # noqa: B010 (FastAPI documents replacing app.openapi)


def add_error_responses(document: dict[str, Any], app: FastAPI) -> None:
    for route in _documented_routes(app):
        for method in sorted(route.methods):
            operation = document["paths"][route.path_format][method.lower()]
            derived = _merge(_dependency_answers(route.dependant), _input_answers(operation))
            operation["responses"] = _described(operation["responses"], derived)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(
        ref_template="#/components/schemas/{model}", mode="serialization"
    )
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorBody"] = error_schema
    for name in FASTAPI_VALIDATION_SCHEMAS:
        if f'"#/components/schemas/{name}"' not in json.dumps(document):
            schemas.pop(name, None)
    document["components"]["schemas"] = dict(sorted(schemas.items()))


def _documented_routes(app: FastAPI) -> Iterator[Any]:
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            yield route


def _dependency_answers(dependant: Dependant) -> dict[int, list[Answer]]:
    found: dict[int, list[Answer]] = {}
    pending = [dependant]
    while pending:
        current = pending.pop()
        for status, answer in getattr(current.call, ANSWERS_ATTRIBUTE, {}).items():
            found.setdefault(status, [])
            if answer not in found[status]:
                found[status].append(answer)
        pending.extend(current.dependencies)
    return found


def _input_answers(operation: Mapping[str, Any]) -> dict[int, list[Answer]]:
    derived: dict[int, list[Answer]] = {}
    if operation.get("parameters") or "requestBody" in operation:
        derived |= {status: [answer] for status, answer in INVALID_INPUT.items()}
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        derived |= {status: [answer] for status, answer in JSON_BODY.items()}
    return derived


def _merge(*sources: dict[int, list[Answer]]) -> dict[int, list[Answer]]:
    merged: dict[int, list[Answer]] = {}
    for source in sources:
        for status, found in source.items():
            merged.setdefault(status, [])
            merged[status] += [answer for answer in found if answer not in merged[status]]
    return merged


def _described(declared: Mapping[str, Any], derived: Mapping[int, list[Answer]]) -> dict[str, Any]:
    """The declared responses with the derived ones added, in order of status; an error answer's own
    description comes first, then what its dependencies and inputs add."""
    responses = {status: dict(response) for status, response in declared.items()}
    for status, found in derived.items():
        response = responses.setdefault(str(status), {})
        own = response.get("description")
        parts = [own] if own and own not in FASTAPI_DESCRIPTIONS else []
        parts += [answer.description for answer in found if answer.description not in parts]
        response["description"] = "; or ".join(parts)
        for name, meaning in sorted({n: m for answer in found for n, m in answer.headers.items()}.items()):
            response.setdefault("headers", {})[name] = {"description": meaning, "schema": {"type": "string"}}
    for code, response in responses.items():
        if _is_error(code) and _needs_error_schema(response):
            response["content"] = {"application/json": {"schema": ERROR_SCHEMA}}
    return dict(sorted(responses.items()))


def _is_error(status: str) -> bool:
    return status.isdigit() and (400 <= int(status) < 500 or int(status) == 503)


def _needs_error_schema(response: Mapping[str, Any]) -> bool:
    schema: Mapping[str, Any] | None = response.get("content", {}).get("application/json", {}).get("schema")
    return schema is None or schema.get("$ref") == f"#/components/schemas/{FASTAPI_VALIDATION_SCHEMAS[0]}"
