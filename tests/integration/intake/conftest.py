from collections.abc import AsyncIterator

import httpx
import pytest_asyncio

from services.common.settings import ServiceSettings
from services.intake.app import create_app
from tests.integration.intake.support import ISSUER, Clients, serving


@pytest_asyncio.fixture
async def intake(intake_database_url: str) -> AsyncIterator[Clients]:
    """The intake API in this process (no Temporal needed), with street ZS and community ZS-01."""
    settings = ServiceSettings(database_url=intake_database_url, max_body_bytes=4096)
    async with serving(create_app(settings, token_verifier=ISSUER.verifier())) as clients:
        yield clients


@pytest_asyncio.fixture
async def assistant_api(intake: Clients) -> httpx.AsyncClient:
    return intake.assistant


@pytest_asyncio.fixture
async def supervisor_api(intake: Clients) -> httpx.AsyncClient:
    return intake.supervisor


@pytest_asyncio.fixture
async def admin_api(intake: Clients) -> httpx.AsyncClient:
    return intake.admin


@pytest_asyncio.fixture
async def service_api(intake: Clients) -> httpx.AsyncClient:
    return intake.service
