"""Machine-readable 4xx bodies: `{"error", "message", "errors": [{"field", "reason"}], "details": {}}`."""

import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class DomainError(Exception):
    """A request the domain refuses; carries the HTTP status and a stable error code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: list[dict[str, str]] | None = None,
        details: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or []
        self.details = details or {}
        self.headers = dict(headers or {})


class ErrorItem(BaseModel):
    """One problem with the request."""

    field: str = Field(description="The field at fault, dotted (`body` for the whole body)")
    reason: str
    type: str | None = Field(default=None, description="The rule broken (with `validation_failed` only)")


class ErrorBody(BaseModel):
    """The body of every 4xx answer (and of a 503 that a retry may cure)."""

    error: str = Field(
        description="A stable, machine-readable code, e.g. `validation_failed`, `missing_token`"
    )
    message: str = Field(description="For people; its wording may change")
    errors: list[ErrorItem] = Field(default=[], description="The problems with the request, one a field")
    details: dict[str, str] = Field(
        default={}, description="Facts about the refusal, e.g. the id of the record in the way"
    )


def error_body(
    code: str, message: str, errors: list[dict[str, str]] | None = None, details: dict[str, str] | None = None
) -> dict[str, Any]:
    return {"error": code, "message": message, "errors": errors or [], "details": details or {}}


def _field_path(location: tuple[int | str, ...]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation_failed(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = list(exc.errors())
    if any(problem["type"] == "json_invalid" for problem in problems):
        detail = problems[0].get("ctx", {}).get("error", "the body is not valid JSON")
        return JSONResponse(
            error_body(
                "malformed_json",
                "The request body is not valid JSON",
                [{"field": "body", "reason": str(detail)}],
            ),
            status_code=400,
        )
    errors = [
        {"field": _field_path(tuple(problem["loc"])), "reason": problem["msg"], "type": problem["type"]}
        for problem in problems
    ]
    return JSONResponse(error_body("validation_failed", "The request is not valid", errors), status_code=422)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse(
        error_body(exc.code, exc.message, exc.errors, exc.details),
        status_code=exc.status,
        headers=exc.headers,
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        exc.status_code, "http_error"
    )
    return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


class BodySizeLimit:
    """Refuses request bodies over the limit with 413 before the route reads them.

    Paths matching `bulk_paths` (batch uploads) have their own, larger limit.
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, bulk_max_bytes: int, bulk_paths: re.Pattern[str] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.bulk_max_bytes = bulk_max_bytes
        self.bulk_paths = bulk_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bulk = self.bulk_paths is not None and self.bulk_paths.search(scope["path"]) is not None
        limit = self.bulk_max_bytes if bulk else self.max_bytes
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        response = JSONResponse(
            error_body("body_too_large", f"The request body exceeds {limit} bytes"), status_code=413
        )
        await send({"type": "http.response.start", "status": 413, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})


class _BodyTooLarge(Exception):
    """Raised inside the app when the body passes the limit, to answer 413 instead."""
