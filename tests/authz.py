"""The authorization matrix every service's matrix test shares: the callers, and the routes that need a token.

Each service's `test_authorization_matrix.py` lists, per route, which callers are allowed; the caller
table here is built from identity's own grants (`ROLE_SCOPES`, `CLIENT_SCOPES`), so a change there shows.
"""

import re
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from services.identity.domain import CLIENT_SCOPES, ClientKind
from tests.tokens import TestIssuer

OPEN_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
"""The only routes anybody may call without a token."""

HOME_COMMUNITY = "community-home"
HOME_STREET = "street-home"
PLACEHOLDER_ID = "01900000-0000-7000-8000-000000000000"

STAFF_ROLES = ("labour_assistant", "supervisor", "rights_officer", "leading_group", "admin")
CLIENTS = ("service", "agency", "employer", "provider")
CALLERS = STAFF_ROLES + CLIENTS


def caller_headers(
    issuer: TestIssuer,
    *,
    agency: str = "bank-1",
    employer_id: str = PLACEHOLDER_ID,
    provider_id: str = PLACEHOLDER_ID,
) -> dict[str, dict[str, str]]:
    """One token per kind of caller, each with every scope identity would grant it."""
    staff = {
        "labour_assistant": issuer.staff_headers("labour_assistant", community_code=HOME_COMMUNITY),
        "supervisor": issuer.staff_headers("supervisor"),
        "rights_officer": issuer.staff_headers("rights_officer"),
        "leading_group": issuer.staff_headers("leading_group"),
        "admin": issuer.staff_headers("admin"),
    }

    def client(kind: ClientKind, **claims: str) -> dict[str, str]:
        scopes = sorted(CLIENT_SCOPES[kind])
        return issuer.headers(*scopes, sub=f"{kind.value}-client", client_kind=kind.value, **claims)

    return staff | {
        "service": issuer.service_headers(),
        "agency": client(ClientKind.AGENCY, agency=agency),
        "employer": client(ClientKind.EMPLOYER, employer_id=employer_id),
        "provider": client(ClientKind.PROVIDER, provider_id=provider_id),
    }


FLAWS = ("expired", "signature", "audience", "issuer", "well-formed")
"""The ways a token can be wrong, each named by a word of the verifier's refusal."""


def bad_tokens(issuer: TestIssuer, *granted: str, **claims: Any) -> dict[str, dict[str, str]]:
    """Per flaw in `FLAWS`, a token otherwise good for `granted` and `claims`."""
    now = int(time.time())
    return {
        "expired": issuer.headers(*granted, iat=now - 7200, exp=now - 3600, **claims),
        "signature": TestIssuer(issuer.issuer).headers(*granted, **claims),
        "audience": issuer.headers(*granted, aud="another-audience", **claims),
        "issuer": issuer.headers(*granted, iss="https://elsewhere.test", **claims),
        "well-formed": {"authorization": "Bearer not-a-token"},
    }


async def assert_each_wants_a_token(
    http: httpx.AsyncClient,
    routes: Iterable[tuple[str, str]],
    *,
    values: Mapping[str, str] | None = None,
    bodies: Mapping[tuple[str, str], Any] | None = None,
) -> None:
    """Every route answers a call without a token with 401 `missing_token` and a Bearer challenge, before
    it looks at the body (`{}` unless `bodies` names one)."""
    for method, path in routes:
        body = (bodies or {}).get((method, path), {})
        response = await http.request(method, concrete(path, values), json=body)
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"] == "missing_token", (method, path)
        assert response.headers["www-authenticate"].startswith('Bearer realm="reemploy"'), (method, path)


async def assert_callers_as_the_table_says(
    http: httpx.AsyncClient,
    allowed_by_route: Mapping[tuple[str, str], Collection[str]],
    callers: Mapping[str, Mapping[str, str]],
    *,
    values: Mapping[str, str] | None = None,
    bodies: Mapping[tuple[str, str], Any] | None = None,
) -> None:
    """Each caller on each route: let in (anything but 401/403, placeholder ids may well answer 404 or 422)
    when the table names it, else 403 with a machine-readable refusal."""
    for (method, path), allowed in allowed_by_route.items():
        body = (bodies or {}).get((method, path), {})
        for caller, headers in callers.items():
            response = await http.request(method, concrete(path, values), json=body, headers=dict(headers))
            if caller in allowed:
                assert response.status_code not in (401, 403), (method, path, caller, response.text)
            else:
                assert response.status_code == 403, (method, path, caller, response.text)
                assert response.json()["error"], (method, path, caller)


def protected_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the app, hidden ones included, except the open ones."""
    routes = sorted(
        (method, path)
        for path, methods in _api_routes(app.routes, prefix="")
        if path not in OPEN_PATHS
        for method in methods
        if method not in {"HEAD", "OPTIONS"}
    )
    if not routes:
        raise LookupError("the app has no protected routes: are its routers found?")
    return routes


def _api_routes(routes: Iterable[BaseRoute], *, prefix: str) -> Iterator[tuple[str, set[str]]]:
    """The API routes, walking into included routers (FastAPI keeps them nested since 0.16x)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, set(route.methods)
        included = getattr(route, "original_router", None)
        context = getattr(route, "include_context", None)
        if included is not None and context is not None:
            yield from _api_routes(included.routes, prefix=prefix + context.prefix)


def concrete(path: str, values: Mapping[str, str] | None = None) -> str:
    """The path with each `{parameter}` filled from `values`, or with a placeholder id."""
    values = values or {}
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda match: values.get(match.group(1), PLACEHOLDER_ID), path)
