"""Replays the captured journey histories against today's workflow code: a change that is not behind
`workflow.patched` and alters the commands of a running journey fails here, before it is deployed."""

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.integration.journey.histories import HISTORIES
from workflows.worker import WORKFLOWS

CAPTURED = sorted(HISTORIES.glob("*.json"))


def test_histories_are_captured():
    names = {path.stem for path in CAPTURED}
    assert {"journey_happy_path", "journey_continued_as_new", "journey_job_ended"} <= names


@pytest.mark.parametrize("path", CAPTURED, ids=[path.stem for path in CAPTURED])
async def test_captured_history_replays_deterministically(path: Path):
    replayer = Replayer(workflows=WORKFLOWS, data_converter=pydantic_data_converter)
    history = WorkflowHistory.from_json(path.stem, await asyncio.to_thread(path.read_text))
    await replayer.replay_workflow(history)
