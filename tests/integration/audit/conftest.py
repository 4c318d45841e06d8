"""Fixtures for the audit log on both engines: the intake database's chain, and a token issuer."""

import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import get_default_algorithms
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from services.common.audit import Access, Actor, ActorSource, AuditLog
from services.common.auth import TokenVerifier
from services.common.db import session_factory
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import audit_chain_head, audit_log
from tests.factories import NETWORK

ISSUER = "https://issuer.test"


@pytest.fixture
def audit() -> AuditLog:
    return AuditLog(audit_log, audit_chain_head)


@pytest_asyncio.fixture
async def sessions(intake_engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    yield session_factory(intake_engine)


def access(actor: str = "assistant-7", purpose: str = "guidance") -> Access:
    return Access(Actor(actor, ActorSource.TOKEN), purpose=purpose, correlation_id="test-correlation")


async def tamper(engine: AsyncEngine, *statements: str) -> None:
    """Run raw SQL on the log as an intruder with DDL rights would: the append-only triggers dropped first."""
    dropping = (
        ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
        if engine.dialect.name == "sqlite"
        else ["DROP TRIGGER audit_log_append_only ON audit_log"]
    )
    async with engine.begin() as connection:
        for statement in [*dropping, *statements]:
            await connection.execute(text(statement))


class Issuer:
    """An Ed25519 key and its JWKS, standing in for the identity service."""

    def __init__(self) -> None:
        self.key = ed25519.Ed25519PrivateKey.generate()

    async def jwks(self) -> dict[str, Any]:
        public = get_default_algorithms()["EdDSA"].to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": "k1", "alg": "EdDSA"}]}

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "sub": "staff-1",
            "aud": "reemploy",
            "iat": now,
            "exp": now + 600,
            "jti": "t-1",
        }
        return jwt.encode(body | claims, self.key, algorithm="EdDSA", headers={"kid": "k1"})


@pytest.fixture
def issuer() -> Issuer:
    return Issuer()


@pytest_asyncio.fixture
async def intake(intake_database_url: str, issuer: Issuer) -> AsyncIterator[httpx.AsyncClient]:
    """The intake API trusting the test issuer's tokens, with street ZS and community ZS-01."""
    app = create_app(ServiceSettings(database_url=intake_database_url))
    app.state.token_verifier = TokenVerifier(ISSUER, "reemploy", f"{ISSUER}/jwks", fetch_jwks=issuer.jwks)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            for path, body in NETWORK:
                assert (await client.post(path, json=body)).status_code == 201
            yield client
