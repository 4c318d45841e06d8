"""Captured journey histories for the replay test (`workflows/histories/`).

Set `REEMPLOY_CAPTURE_HISTORIES=1` when running the journey tests to write them again, after a change that
is meant to be compatible (behind `workflow.patched`) or together with a new workflow version.
"""

import os
from pathlib import Path

from tests.integration.journey.conftest import Journeys

HISTORIES = Path(__file__).resolve().parents[3] / "workflows" / "histories"


async def keep_history(journeys: Journeys, case_id: str, run_id: str | None, name: str) -> None:
    if not os.environ.get("REEMPLOY_CAPTURE_HISTORIES"):
        return
    handle = journeys.env.client.get_workflow_handle(f"journey-{case_id}", run_id=run_id)
    history = await handle.fetch_history()
    HISTORIES.mkdir(exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json())
