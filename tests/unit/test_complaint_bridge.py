"""What the complaint bridge refuses or ignores before it ever talks to Temporal."""

from datetime import UTC, datetime

import pytest

from contracts.events.complaints import ComplaintCategory, ComplaintChannel, ComplaintOpened
from services.common.consumer import PermanentError
from workflows.complaint_bridge import ComplaintBridge

NO_TEMPORAL = None


def opened() -> ComplaintOpened:
    return ComplaintOpened(
        case_id="case-1",
        complaint_id="complaint-1",
        category=ComplaintCategory.UNPAID_WAGES,
        channel=ComplaintChannel.HOTLINE,
        opened_at=datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
    )


async def test_events_the_workflow_does_not_need_are_ignored() -> None:
    bridge = ComplaintBridge(NO_TEMPORAL, task_queue="q")  # type: ignore[arg-type]
    envelope = (
        opened().envelope(correlation_id="c").model_copy(update={"type": "complaints.complaint_escalated.v1"})
    )
    assert await bridge(envelope) == "ignored"


async def test_an_event_that_breaks_its_schema_is_a_permanent_error() -> None:
    bridge = ComplaintBridge(NO_TEMPORAL, task_queue="q")  # type: ignore[arg-type]
    broken = opened().envelope(correlation_id="c")
    broken = broken.model_copy(update={"data": {**broken.data, "category": "gossip"}})
    with pytest.raises(PermanentError, match="does not match its schema"):
        await bridge(broken)
