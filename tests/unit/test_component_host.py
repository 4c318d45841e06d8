"""Components hosted in one process share its fate: one that fails or ends unasked ends them all."""

import asyncio

import pytest

from deploy.processes import host


def until_stopped(ended: list[str], name: str):
    async def run(stop: asyncio.Event, checks: dict) -> None:
        checks[name] = _ready
        try:
            await stop.wait()
        finally:
            ended.append(name)

    return run


async def _ready() -> bool:
    return True


def failing(message: str):
    async def run(stop: asyncio.Event, checks: dict) -> None:
        await asyncio.sleep(0)
        raise RuntimeError(message)

    return run


async def test_a_failing_component_stops_the_others_and_ends_the_process_with_an_error():
    ended: list[str] = []
    with pytest.raises(SystemExit, match="relay"):
        await host(
            {"api": until_stopped(ended, "api"), "relay": failing("broker unreachable")},
            None,
            asyncio.Event(),
        )
    assert ended == ["api"]


async def test_a_component_that_ends_unasked_ends_the_process_too():
    ended: list[str] = []

    async def returns(stop: asyncio.Event, checks: dict) -> None:
        return None

    with pytest.raises(SystemExit, match="consumer"):
        await host({"api": until_stopped(ended, "api"), "consumer": returns}, None, asyncio.Event())
    assert ended == ["api"]
