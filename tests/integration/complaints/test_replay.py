"""Every captured `ComplaintResolution` history replays on today's workflow code (no non-determinism)."""

import asyncio
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.complaint import ComplaintResolution

HISTORIES = sorted(
    (Path(__file__).resolve().parents[3] / "workflows" / "histories").glob("complaint_resolution_*.json")
)


def test_histories_were_captured() -> None:
    assert HISTORIES, "run `python -m tests.integration.complaints.capture_history`"


@pytest.mark.parametrize("path", HISTORIES, ids=lambda path: path.stem)
async def test_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(f"replay-{path.stem}", await asyncio.to_thread(path.read_text))
    replayer = Replayer(workflows=[ComplaintResolution], data_converter=pydantic_data_converter)

    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)

    assert result.replay_failure is None
    assert len(history.events) > 20
