"""Small deterministic builders of test data."""

from datetime import UTC, date, datetime
from typing import Any

from contracts.envelope import Envelope
from contracts.events.intake import LayoffReason, WorkerRegistered


def registration(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "full_name": "王秀兰",
        "mobile": "13912345678",
        "community_code": "ZS-01",
        "layoff_date": "2026-09-30",
        "layoff_reason": "restructuring",
    }
    body.update(overrides)
    return body


def worker_registered(case_id: str, *, community_code: str = "ZS-01") -> WorkerRegistered:
    return WorkerRegistered(
        case_id=case_id,
        community_code=community_code,
        layoff_date=date(2026, 9, 30),
        layoff_reason=LayoffReason.BANKRUPTCY,
        registered_at=datetime(2026, 10, 8, 9, 0, tzinfo=UTC),
    )


def registered_envelope(case_id: str) -> Envelope:
    return worker_registered(case_id).envelope(correlation_id=f"test-{case_id}")
