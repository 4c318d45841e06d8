"""Capture the history of a full `ComplaintResolution` run for the replay test.

Run `python -m tests.integration.complaints.capture_history` once per shape of run worth keeping, before a
change to the workflow: the replay test then proves the changed code still replays what ran before.
"""

import asyncio
from datetime import datetime
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from contracts.complaint_workflow import ReferralAgency
from contracts.events.complaints import ComplaintStatus
from deploy.dev import components
from tests.integration.complaints.workflow_harness import CST, running_complaint

HISTORIES = Path(__file__).resolve().parents[3] / "workflows" / "histories"


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=CST)


async def capture_story(env: WorkflowEnvironment) -> str:
    """Filed on a Friday before a holiday, acknowledged late, referred, closed by the agency, checked."""
    async with running_complaint(env) as complaint:
        await complaint.skip_to(at(10, 9))
        await complaint.moves_to(ComplaintStatus.ACKNOWLEDGED)
        await complaint.skip_to(at(10, 11))
        complaint.service.referred_to = ReferralAgency.LABOUR_INSPECTION
        await complaint.moves_to(ComplaintStatus.REFERRED)
        await complaint.skip_to(at(17, 15))
        await complaint.moves_to(ComplaintStatus.CLOSED)
        await complaint.skip_to(at(24, 9))
        await complaint.handle.result()
        history = await complaint.handle.fetch_history()
        return history.to_json()


async def main() -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=components.temporal_test_server()
    )
    try:
        story = await capture_story(env)
    finally:
        await env.shutdown()
    HISTORIES.mkdir(parents=True, exist_ok=True)
    (HISTORIES / "complaint_resolution_story.json").write_text(story)


if __name__ == "__main__":
    asyncio.run(main())
