"""Fixtures of the end-to-end tests: the programme in this process on real parts."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.e2e.journey_story import ProgrammeInProcess
from tests.infrastructure import Broker, TemporalDevServer

TIME_SCALE = 864_000
"""A day of the journey passes in 0.1 s: follow-ups after ~3, ~9 and ~18 s, the stability check at ~18.2 s."""


@pytest_asyncio.fixture
async def programme(
    tmp_path: Path, broker: Broker, temporal_server: TemporalDevServer
) -> AsyncIterator[ProgrammeInProcess]:
    programme = ProgrammeInProcess(
        directory=tmp_path,
        bootstrap=broker.bootstrap,
        temporal_address=temporal_server.address,
        time_scale=TIME_SCALE,
    )
    try:
        await programme.start()
        yield programme
    finally:
        await programme.close()
