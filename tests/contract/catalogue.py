"""Every service the contract test serves: how its app is built for the test, and whose token each route gets.

A route is called with the token of a caller who may use it, so schemathesis reaches past authorization
into the route's own code: staff by role, the platform's service client for what the workflows call, and
a partner client (agency, employer, provider) acting for the party its path names. The identity service
signs its own tokens, so its administrator logs in with the bootstrap password.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from services.benefits.app import create_app as benefits_app
from services.common.settings import ServiceSettings
from services.complaints.app import create_app as complaints_app
from services.console.app import create_app as console_app
from services.identity.app import create_app as identity_app
from services.identity.domain import CLIENT_SCOPES, ClientKind
from services.identity.settings import DEVELOPMENT_ADMIN_PASSWORD, IdentitySettings
from services.intake.app import create_app as intake_app
from services.placement.app import create_app as placement_app
from services.training.app import create_app as training_app
from tests.tokens import TestIssuer

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"
Headers = dict[str, str]
CallerOf = Callable[[str, Mapping[str, Any]], Headers]
"""The headers to call a route with, from its path template and the case's path parameters."""


@dataclass(frozen=True)
class Parts:
    """What the apps share in the test: the token issuer the services trust, and Temporal."""

    issuer: TestIssuer
    temporal_address: str

    def settings(self, database_url: str) -> dict[str, Any]:
        """Limits set so that fuzzing is not cut short by a partner client's rate limit."""
        return {
            "database_url": database_url,
            "temporal_address": self.temporal_address,
            "agency_rate_per_minute": 1_000_000,
            "agency_burst": 1_000_000,
        }

    def staff(self, role: str) -> Headers:
        return self.issuer.staff_headers(role)

    def client(self, kind: ClientKind, **claims: str) -> Headers:
        scopes = sorted(CLIENT_SCOPES[kind])
        return self.issuer.headers(*scopes, sub=f"{kind.value}-client", client_kind=kind.value, **claims)


@dataclass(frozen=True)
class ServiceUnderTest:
    name: str
    build: Callable[[Parts, str], FastAPI]
    """The app on the database at the URL given."""
    callers: Callable[[Parts, str], CallerOf]
    """Given the running app's base URL."""

    @property
    def migrations(self) -> Path:
        return SERVICES_DIR / self.name / "migrations"


def by_path(
    default: Callable[[], Headers], *rules: tuple[str, Callable[[Mapping[str, Any]], Headers]]
) -> CallerOf:
    """The first rule whose pattern matches the route's path template names the caller; else `default`."""
    compiled = [(re.compile(pattern), caller) for pattern, caller in rules]

    def caller_of(path: str, parameters: Mapping[str, Any]) -> Headers:
        for pattern, caller in compiled:
            if pattern.search(path):
                return caller(parameters)
        return default()

    return caller_of


def _intake(parts: Parts, _base_url: str) -> CallerOf:
    return by_path(
        lambda: parts.staff("supervisor"),
        ("^/journey-events$", lambda _: parts.issuer.service_headers()),
    )


def _training(parts: Parts, _base_url: str) -> CallerOf:
    return by_path(
        lambda: parts.staff("supervisor"),
        (
            r"^/providers/\{provider_id\}/classes",
            lambda given: parts.client(ClientKind.PROVIDER, provider_id=str(given.get("provider_id"))),
        ),
    )


def _placement(parts: Parts, _base_url: str) -> CallerOf:
    return by_path(
        lambda: parts.staff("supervisor"),
        (
            r"^/employers/\{employer_id\}/(vacancies|referrals)",
            lambda given: parts.client(ClientKind.EMPLOYER, employer_id=str(given.get("employer_id"))),
        ),
    )


def _complaints(parts: Parts, _base_url: str) -> CallerOf:
    return by_path(
        lambda: parts.staff("rights_officer"),
        (
            r"^/agencies/",
            lambda given: parts.client(ClientKind.AGENCY, agency=str(given.get("agency_name"))),
        ),
        (r"/actions/", lambda _: parts.issuer.service_headers()),
    )


def _benefits(parts: Parts, _base_url: str) -> CallerOf:
    return by_path(
        lambda: parts.staff("supervisor"),
        (r"^/agencies/", lambda given: parts.client(ClientKind.AGENCY, agency=str(given.get("agency")))),
        (r"^/feed-deliveries", lambda _: parts.issuer.service_headers()),
    )


def _console(parts: Parts, _base_url: str) -> CallerOf:
    return by_path(lambda: parts.staff("leading_group"))


def _identity(_parts: Parts, base_url: str) -> CallerOf:
    """The bootstrap administrator's token from the service itself; the token endpoint and the published
    metadata are called without one, as clients call them."""
    login = {"grant_type": "password", "username": "admin", "password": DEVELOPMENT_ADMIN_PASSWORD}
    answer = httpx.post(f"{base_url}/oauth2/token", data=login, timeout=30)
    answer.raise_for_status()
    admin = {"authorization": f"Bearer {answer.json()['access_token']}"}
    return by_path(lambda: dict(admin), (r"^/(oauth2|\.well-known)/", lambda _: {}))


def _identity_app(parts: Parts, database_url: str) -> FastAPI:
    return identity_app(
        IdentitySettings(
            **parts.settings(database_url),
            identity_password_time_cost=1,
            identity_password_memory_kib=8192,
            identity_key_publication_seconds=0,
            identity_jwks_max_age_seconds=0,
        )
    )


TODAY = date(2026, 11, 26)

SERVICES = (
    ServiceUnderTest(
        "intake",
        lambda parts, url: intake_app(
            ServiceSettings(**parts.settings(url)), token_verifier=parts.issuer.verifier()
        ),
        _intake,
    ),
    ServiceUnderTest(
        "training",
        lambda parts, url: training_app(
            ServiceSettings(**parts.settings(url)), token_verifier=parts.issuer.verifier()
        ),
        _training,
    ),
    ServiceUnderTest(
        "placement",
        lambda parts, url: placement_app(
            ServiceSettings(**parts.settings(url)), token_verifier=parts.issuer.verifier()
        ),
        _placement,
    ),
    ServiceUnderTest(
        "complaints",
        lambda parts, url: complaints_app(
            ServiceSettings(**parts.settings(url)), token_verifier=parts.issuer.verifier()
        ),
        _complaints,
    ),
    ServiceUnderTest(
        "benefits",
        lambda parts, url: benefits_app(
            ServiceSettings(**parts.settings(url)), token_verifier=parts.issuer.verifier(), background=False
        ),
        _benefits,
    ),
    ServiceUnderTest("identity", _identity_app, _identity),
    ServiceUnderTest(
        "console",
        lambda parts, url: console_app(
            ServiceSettings(**parts.settings(url)), verifier=parts.issuer.verifier(), today=lambda: TODAY
        ),
        _console,
    ),
)
