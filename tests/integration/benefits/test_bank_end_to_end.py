"""The done-when story on real ports: identity, benefits and the example bank, each served by uvicorn.

A worker consented to share with the bank; the assistant submits a micro-loan application; the bank's
system receives it by signed webhook, its officer approves, the bank posts the decision with a
client-credentials token; the worker's journey notes the loan. A tax-bureau client cannot read it.
"""

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy import select

from contracts.envelope import Envelope
from contracts.events.intake import Agency, ConsentGranted
from contracts.ids import uuid7
from contracts.journey import JourneyEvent
from deploy.dev.components import free_port
from examples.bank.app import BankSettings
from examples.bank.app import create_app as create_bank
from examples.bank.reemploy import Reemploy, ReemployConnection
from services.benefits import models
from services.benefits.app import create_app as create_benefits
from services.benefits.collaborators import BenefitsOffice
from services.benefits.consumers import build_handler
from services.benefits.domain import webhook_signature
from services.common.settings import ServiceSettings
from services.identity.app import create_app as create_identity
from services.identity.settings import DEVELOPMENT_ADMIN_PASSWORD, IdentitySettings
from tests.http_checks import body
from tests.infrastructure import migrated_database
from tests.integration.benefits.conftest import loan_request, new_case, serve
from workflows.journey_state import JourneyState

IDENTITY_MIGRATIONS = Path(__file__).resolve().parents[3] / "services" / "identity" / "migrations"
WEBHOOK_SECRET = "bank-webhook-secret-0123456789abcdef"


@dataclass
class Parties:
    http: httpx.AsyncClient
    identity: str
    benefits: str
    bank: str
    admin: dict[str, str]
    office: BenefitsOffice
    journey: dict[str, str]
    """The journey's token: a service client's, issued by identity."""


async def _admin_headers(http: httpx.AsyncClient, identity: str) -> dict[str, str]:
    login = await http.post(
        f"{identity}/oauth2/token",
        data={"grant_type": "password", "username": "admin", "password": DEVELOPMENT_ADMIN_PASSWORD},
    )
    assert login.status_code == 200, login.text
    return {"authorization": f"Bearer {login.json()['access_token']}"}


async def _agency_client(
    parties_http: httpx.AsyncClient, identity: str, admin: dict[str, str], agency: str
) -> str:
    registration = {
        "client_id": f"{agency}-system",
        "name": f"The {agency} agency's system",
        "kind": "agency",
        "agency_code": agency,
        "scopes": ["benefits:read", "benefits:decide"],
    }
    response = await parties_http.post(f"{identity}/admin/clients", json=registration, headers=admin)
    assert response.status_code == 201, response.text
    secret: str = response.json()["client_secret"]
    return secret


async def _journey_token(http: httpx.AsyncClient, identity: str, admin: dict[str, str]) -> dict[str, str]:
    """A service client like the Temporal worker, registered by the admin, and its token."""
    registration = {
        "client_id": "journey-worker",
        "name": "The journey's Temporal worker",
        "kind": "service",
        "scopes": ["benefits:apply", "benefits:read"],
    }
    response = await http.post(f"{identity}/admin/clients", json=registration, headers=admin)
    assert response.status_code == 201, response.text
    return await _token(http, identity, "journey-worker", response.json()["client_secret"])


async def _client_token(parties: Parties, client_id: str, secret: str) -> dict[str, str]:
    return await _token(parties.http, parties.identity, client_id, secret)


async def _token(http: httpx.AsyncClient, identity: str, client_id: str, secret: str) -> dict[str, str]:
    response = await http.post(
        f"{identity}/oauth2/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
    )
    assert response.status_code == 200, response.text
    return {"authorization": f"Bearer {response.json()['access_token']}"}


@pytest_asyncio.fixture
async def parties(benefits_database_url: str, tmp_path: Path) -> AsyncIterator[Parties]:
    async with contextlib.AsyncExitStack() as stack:
        identity_database = await stack.enter_async_context(
            migrated_database("sqlite", tmp_path, IDENTITY_MIGRATIONS)
        )
        identity_port = free_port()
        issuer = f"http://127.0.0.1:{identity_port}"
        jwks = f"{issuer}/.well-known/jwks.json"
        identity_app = create_identity(
            IdentitySettings(
                database_url=identity_database,
                auth_issuer=issuer,
                auth_jwks_url=jwks,
                identity_key_publication_seconds=0,
                identity_jwks_max_age_seconds=0,
            )
        )
        identity = await stack.enter_async_context(serve(identity_app, identity_port))
        benefits_app: FastAPI = create_benefits(
            ServiceSettings(database_url=benefits_database_url, auth_issuer=issuer, auth_jwks_url=jwks)
        )
        benefits = await stack.enter_async_context(serve(benefits_app))
        http = await stack.enter_async_context(httpx.AsyncClient(timeout=10))
        admin = await _admin_headers(http, identity)
        connection = ReemployConnection(
            token_url=f"{identity}/oauth2/token",
            benefits_url=benefits,
            client_id="bank-system",
            client_secret=await _agency_client(http, identity, admin, "bank"),
        )
        bank = await stack.enter_async_context(
            serve(create_bank(BankSettings(WEBHOOK_SECRET, connection, str(tmp_path / "bank.db"))))
        )
        await Reemploy(connection, http).register_webhook(f"{bank}/reemploy/webhook", WEBHOOK_SECRET)
        journey = await _journey_token(http, identity, admin)
        yield Parties(http, identity, benefits, bank, admin, benefits_app.state.office, journey)


async def _consent_to_the_bank(office: BenefitsOffice, case_id: str) -> None:
    granted = ConsentGranted(
        case_id=case_id,
        consent_id=str(uuid7()),
        agency=Agency.BANK,
        purpose="guaranteed business loan",
        expires_on=datetime.now(UTC).date() + timedelta(days=365),
        granted_at=datetime.now(UTC),
    )
    assert await build_handler(office.sessions)(granted.envelope(correlation_id=str(uuid7()))) == "applied"


async def _bank_applications(parties: Parties, count: int) -> list[dict[str, object]]:
    deadline = time.monotonic() + 15
    while True:
        received: list[dict[str, object]] = body(await parties.http.get(f"{parties.bank}/applications"))
        if len(received) >= count or time.monotonic() > deadline:
            return received
        await asyncio.sleep(0.1)


async def test_the_bank_approves_a_loan_the_journey_sees_it_and_the_tax_bureau_cannot_read_it(
    parties: Parties,
) -> None:
    case_id = new_case()
    await _consent_to_the_bank(parties.office, case_id)
    submitted = await parties.http.post(
        f"{parties.benefits}/applications", json=loan_request(case_id), headers=parties.journey
    )
    assert submitted.status_code == 201, submitted.text
    application_id = submitted.json()["application_id"]

    [received] = await _bank_applications(parties, 1)
    assert received["application_id"] == application_id
    assert received["full_name"] == "张伟" and received["resident_id_masked"] == "1101**********123X"
    approval = {
        "amount_yuan": 100_000,
        "term_months": 24,
        "guarantee": "municipal guarantee fund",
        "interest_subsidy_percent": 100,
    }
    approved = await parties.http.post(f"{parties.bank}/applications/{application_id}/approve", json=approval)
    assert approved.status_code == 200, approved.text
    assert (await _bank_applications(parties, 1))[0]["status"] == "approved"

    staff_view = body(
        await parties.http.get(f"{parties.benefits}/applications/{application_id}", headers=parties.journey)
    )
    assert (staff_view["status"], staff_view["amount_yuan"]) == ("approved", 100_000)
    async with parties.office.sessions() as session:
        payloads = (
            await session.scalars(
                select(models.outbox.c.payload).where(
                    models.outbox.c.event_type == "benefits.application_decided.v1"
                )
            )
        ).all()
    [decided] = [Envelope.model_validate_json(payload) for payload in payloads]
    journey = JourneyState(case_id=case_id, stage_since=datetime.now(UTC))
    journey.apply(
        JourneyEvent(
            event_id=decided.id, event_type=decided.type, occurred_at=decided.time, data=decided.data
        ),
        datetime.now(UTC),
    )
    assert journey.timeline[-1].kind == "benefits.application_decided.v1"
    assert journey.timeline[-1].detail == "micro_loan from bank: approved"

    tax = await _client_token(
        parties, "tax-system", await _agency_client(parties.http, parties.identity, parties.admin, "tax")
    )
    as_bank = await parties.http.get(
        f"{parties.benefits}/agencies/bank/applications/{application_id}", headers=tax
    )
    as_tax = await parties.http.get(
        f"{parties.benefits}/agencies/tax/applications/{application_id}", headers=tax
    )
    assert as_bank.status_code == 403 and as_bank.json()["error"] == "agency_mismatch"
    assert as_tax.status_code == 404


async def test_the_bank_refuses_tampered_and_stale_deliveries(parties: Parties) -> None:
    payload = json.dumps({"type": "benefits.bank_application.v1", "id": "x", "data": {}}).encode()
    fresh = str(int(time.time()))
    stale = str(int(time.time()) - 301)
    hook = f"{parties.bank}/reemploy/webhook"

    tampered = await parties.http.post(
        hook,
        content=payload.replace(b"x", b"y"),
        headers={
            "x-reemploy-timestamp": fresh,
            "x-reemploy-signature": webhook_signature(WEBHOOK_SECRET, fresh, payload),
        },
    )
    replayed = await parties.http.post(
        hook,
        content=payload,
        headers={
            "x-reemploy-timestamp": stale,
            "x-reemploy-signature": webhook_signature(WEBHOOK_SECRET, stale, payload),
        },
    )
    unsigned = await parties.http.post(hook, content=payload)

    assert [r.status_code for r in (tampered, replayed, unsigned)] == [401, 401, 401]
    assert "signature" in body(tampered, 401)["detail"] and "five minutes" in body(replayed, 401)["detail"]
    assert body(await parties.http.get(f"{parties.bank}/applications")) == []


async def test_a_withdrawn_application_is_retracted_at_the_bank(parties: Parties) -> None:
    case_id = new_case()
    await _consent_to_the_bank(parties.office, case_id)
    submitted = await parties.http.post(
        f"{parties.benefits}/applications", json=loan_request(case_id), headers=parties.journey
    )
    application_id = body(submitted, 201)["application_id"]
    assert [a["application_id"] for a in await _bank_applications(parties, 1)] == [application_id]

    withdrawn = await parties.http.post(
        f"{parties.benefits}/applications/{application_id}/withdrawal",
        json={"reason": "found a job"},
        headers=parties.journey,
    )
    assert withdrawn.status_code == 200

    deadline = time.monotonic() + 15
    while (await _bank_applications(parties, 1))[0]["status"] != "retracted":
        assert time.monotonic() < deadline, "the bank was not told"
        await asyncio.sleep(0.1)
    refused = await parties.http.post(
        f"{parties.bank}/applications/{application_id}/approve",
        json={"amount_yuan": 1000, "term_months": 6, "guarantee": "none", "interest_subsidy_percent": 0},
    )
    assert refused.status_code == 502
    assert refused.json()["detail"]["reemploy"]["error"] == "application_transition_refused"
