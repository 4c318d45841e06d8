"""Small deterministic builders of test data."""

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from contracts.envelope import Envelope
from contracts.events.intake import LayoffReason, WorkerRegistered
from services.intake.resident_id import check_character

_people = itertools.count(1)


def resident_id_number(*, birth: date | None = None, male: bool | None = None) -> str:
    """A valid resident ID number, new on every call: area, birth date and sequence follow a counter."""
    n = next(_people)
    birth = birth or date(1966, 1, 1) + timedelta(days=n % 7000)
    sequence = n % 1000 if male is None else (n % 500) * 2 + int(male)
    first = f"{110101 + n // 7000}{birth:%Y%m%d}{sequence:03d}"
    return first + check_character(first)


def registration(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resident_id": resident_id_number(),
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


STREET = {"street_code": "ZS", "name": "中山街道"}
COMMUNITY = {"community_code": "ZS-01", "street_code": "ZS", "name": "东风社区"}
NETWORK = [("/streets", STREET), ("/communities", COMMUNITY)]
"""What a registration in community ZS-01 needs; POST each in order (409 means it is there already)."""


def assistant(**overrides: Any) -> dict[str, Any]:
    return {"name": "李娟", "community_code": "ZS-01", "capacity": 50} | overrides
