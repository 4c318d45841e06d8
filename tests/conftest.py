"""Fixtures on real parts. Database-backed tests run on SQLite and on PostgreSQL."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine

from deploy.dev.lifelines import adopt_orphans
from services.common.db import create_engine
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import WorkerCase
from tests import processes
from tests.factories import NETWORK
from tests.infrastructure import Broker, TemporalDevServer, migrated_database
from tests.pipeline import Pipeline
from tests.tokens import TestIssuer

INTAKE_MIGRATIONS = Path(WorkerCase.__module__.replace(".", "/")).parent / "migrations"
REPO_ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    adopt_orphans()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run, naming them, when processes the tests started outlive the tests; then end them."""
    left = processes.leftovers()
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"  pid {process.pid}: {process.command[:200]}" for process in left]
    message = "processes started by the tests were still running at the end:\n" + "\n".join(lines)
    if reporter is not None:
        reporter.write_line("")
        reporter.write_line(message, red=True)
    processes.end(left)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest_asyncio.fixture(scope="session")
async def temporal_server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TemporalDevServer]:
    server = TemporalDevServer(tmp_path_factory.mktemp("temporal"))
    await server.start()
    yield server
    server.stop()


@pytest_asyncio.fixture
async def broker() -> AsyncIterator[Broker]:
    """A broker of the test's own, with every topic created."""
    broker = Broker()
    await broker.start()
    yield broker
    broker.kill()


@pytest_asyncio.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def intake_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A freshly migrated intake database on each engine."""
    async with migrated_database(request.param, tmp_path, REPO_ROOT / INTAKE_MIGRATIONS) as url:
        yield url


@pytest_asyncio.fixture
async def intake_engine(intake_database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(intake_database_url)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def pipeline(
    intake_database_url: str, broker: Broker, temporal_server: TemporalDevServer
) -> AsyncIterator[Pipeline]:
    """The thin slice running in this process on real parts."""
    pipeline = Pipeline(
        database_url=intake_database_url, bootstrap=broker.bootstrap, temporal_address=temporal_server.address
    )
    await pipeline.start()
    yield pipeline
    await pipeline.close()


@pytest_asyncio.fixture
async def intake_api(intake_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The intake API in this process (no Temporal needed), with street ZS and community ZS-01, called as
    the Temporal worker calls it: with a service client's tokens."""
    issuer = TestIssuer()
    app = create_app(
        ServiceSettings(database_url=intake_database_url, max_body_bytes=4096),
        token_verifier=issuer.verifier(),
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://intake", auth=issuer.service_auth()
        ) as client:
            for path, body in NETWORK:
                assert (await client.post(path, json=body)).status_code == 201
            yield client
