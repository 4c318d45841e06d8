"""What the complaint bridge refuses or ignores before it ever talks to Temporal."""

from datetime import UTC, date, datetime

import pytest

from contracts.events.complaints import ComplaintCategory, ComplaintChannel, ComplaintOpened
from services.common.consumer import PermanentError
from workflows.complaint_bridge import ComplaintBridge, ComplaintCalendarSettings

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


def test_the_calendar_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REEMPLOY_PUBLIC_HOLIDAYS", '["2027-01-01", "2027-02-06"]')
    monkeypatch.setenv("REEMPLOY_MAKEUP_WORKING_DAYS", '["2027-02-14"]')
    monkeypatch.setenv("REEMPLOY_COMPLAINT_TIME_SCALE", "86400")
    settings = ComplaintCalendarSettings()
    calendar = settings.calendar()
    assert calendar.public_holidays == (date(2027, 1, 1), date(2027, 2, 6))
    assert calendar.makeup_working_days == (date(2027, 2, 14),)
    assert calendar.utc_offset_hours == 8
    assert settings.complaint_time_scale == 86400
