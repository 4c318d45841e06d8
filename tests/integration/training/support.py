"""Small deterministic builders for the training tests."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.envelope import Envelope, schema_url
from contracts.events import Event
from contracts.events.intake import Agency, ConsentGranted, SkillsProfileUpdated
from services.common import scopes
from services.common.consumer import EventHandler
from services.training.models import outbox
from tests.factories import worker_registered
from tests.tokens import TestIssuer


class Clock:
    """The service's time; a test moves it forward."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def deliver(feed: EventHandler, event: Event) -> str:
    outcome = await feed(event.envelope(correlation_id="test"))
    assert outcome == "applied"
    return outcome


async def open_case(
    feed: EventHandler,
    *,
    consent: bool = True,
    expires_on: date = date(2027, 12, 31),
    agency: Agency = Agency.LABOUR_BUREAU,
) -> str:
    """A case intake registered (and, unless told otherwise, whose worker consents to the labour bureau)."""
    case_id = str(uuid.uuid4())
    await deliver(feed, worker_registered(case_id))
    if consent:
        await deliver(
            feed,
            ConsentGranted(
                case_id=case_id,
                consent_id=str(uuid.uuid4()),
                agency=agency,
                purpose="free practical training",
                expires_on=expires_on,
                granted_at=datetime(2026, 10, 9, tzinfo=UTC),
            ),
        )
    return case_id


def skills_profile(case_id: str, *, version: int = 1, **fields: Any) -> SkillsProfileUpdated:
    values: dict[str, Any] = {
        "education": "junior_secondary",
        "skills": ["cleaning:intermediate"],
        "certificates": [],
        "desired_occupations": [],
        "desired_employment_forms": ["full_time"],
    }
    return SkillsProfileUpdated(case_id=case_id, version=version, **(values | fields))


PROVIDER = {
    "name": "中山区职业技术学校",
    "kind": "vocational_school",
    "address": "中山路 18 号",
    "contacts": [{"name": "陈老师", "role": "training coordinator", "phone": "13800138000"}],
}

COOKING = {
    "code": "COOK-CN-4",
    "title": "中式烹调师四级",
    "occupation_area": "cooking",
    "hours": 120,
    "certificate_name": "中式烹调师四级证书",
    "cost_per_trainee_yuan": 800,
    "skills_taught": ["knife work", "stir frying", "food hygiene"],
}


async def accredited_provider(api: httpx.AsyncClient, **overrides: Any) -> str:
    """A provider a supervisor registered and accredited."""
    response = await api.post("/providers", json=PROVIDER | overrides, headers=as_supervisor())
    assert response.status_code == 201, response.text
    provider_id: str = response.json()["provider_id"]
    accredited = await api.post(
        f"/providers/{provider_id}/accreditation",
        json={"action": "accredit", "valid_until": "2027-12-31"},
        headers=as_supervisor(),
    )
    assert accredited.status_code == 200, accredited.text
    return provider_id


async def course(api: httpx.AsyncClient, **overrides: Any) -> str:
    """A catalogue course a supervisor added."""
    response = await api.post("/courses", json=COOKING | overrides, headers=as_supervisor())
    assert response.status_code == 201, response.text
    course_id: str = response.json()["course_id"]
    return course_id


def class_body(course_id: str, *, capacity: int = 20, sessions: int = 10, **overrides: Any) -> dict[str, Any]:
    """A class whose enrolment is open on 2026-12-01 and whose sessions run daily from 2026-12-07."""
    first = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    body: dict[str, Any] = {
        "course_id": course_id,
        "venue": "中山区职业技术学校 烹饪实训室",
        "capacity": capacity,
        "enrolment_opens_on": "2026-11-20",
        "enrolment_closes_on": "2026-12-06",
        "sessions": [
            {
                "starts_at": (first + timedelta(days=day)).isoformat(),
                "ends_at": (first + timedelta(days=day, hours=3)).isoformat(),
                "topic": f"第{day + 1}课",
            }
            for day in range(sessions)
        ],
    }
    return body | overrides


ISSUER = TestIssuer()
"""The issuer whose verifier the training API of these tests trusts."""

COMMUNITY = "ZS-01"
"""The community of the workers `open_case` registers, and of the labour assistant the API client calls as."""


def as_assistant(community_code: str = COMMUNITY) -> dict[str, str]:
    """A labour assistant's staff token: what the `training_api` client sends unless a test says otherwise."""
    return ISSUER.staff_headers("labour_assistant", community_code=community_code)


def as_supervisor() -> dict[str, str]:
    """A supervisor's staff token: providers, accreditation and the course catalogue (`training:manage`)."""
    return ISSUER.staff_headers("supervisor")


def as_provider(provider_id: str, *granted: str) -> dict[str, str]:
    """The headers of a provider client acting for `provider_id`, with `training:provide` unless told."""
    chosen = granted or (scopes.TRAINING_PROVIDE,)
    return ISSUER.headers(*chosen, client_kind="provider", provider_id=provider_id)


async def publish(api: httpx.AsyncClient, provider_id: str, course_id: str, **options: Any) -> dict[str, Any]:
    response = await api.post(
        f"/providers/{provider_id}/classes",
        json=class_body(course_id, **options),
        headers=as_provider(provider_id),
    )
    assert response.status_code == 201, response.text
    published: dict[str, Any] = response.json()
    return published


def assistant_id() -> str:
    return "0190aaaa-0000-7000-8000-000000000001"


async def enrol(api: httpx.AsyncClient, class_id: str, case_id: str) -> httpx.Response:
    return await api.post(
        f"/classes/{class_id}/enrolments", json={"case_id": case_id, "assistant_id": assistant_id()}
    )


async def outbox_events(engine: AsyncEngine, event_type: str | None = None) -> list[dict[str, Any]]:
    """The envelopes in training's outbox, oldest first, optionally of one type."""
    async with engine.connect() as connection:
        payloads = (await connection.execute(select(outbox.c.payload).order_by(outbox.c.seq))).scalars()
        envelopes = [json.loads(payload) for payload in payloads]
    return [envelope for envelope in envelopes if event_type is None or envelope["type"] == event_type]


POSTED = datetime(2026, 11, 20, tzinfo=UTC)


def envelope(event_type: str, subject: str, data: dict) -> Envelope:
    source = f"/services/{event_type.split('.')[0]}"
    return Envelope(
        source=source,
        type=event_type,
        subject=subject,
        dataschema=schema_url(event_type),
        data=data,
        correlationid="test",
    )


def vacancy_posted(area: str, openings: int, *, skills: list[str], certificates: list[str]) -> Envelope:
    """A `placement.vacancy_posted.v1` envelope as events.md describes it."""
    vacancy_id = str(uuid.uuid4())
    return envelope(
        "placement.vacancy_posted.v1",
        vacancy_id,
        {
            "vacancy_id": vacancy_id,
            "employer_id": str(uuid.uuid4()),
            "occupation_area": area,
            "title": f"{area} worker",
            "employment_form": "full_time",
            "openings": openings,
            "required_skills": skills,
            "required_certificates": certificates,
            "community_code": None,
            "monthly_wage_yuan": 3200,
            "posted_at": POSTED.isoformat(),
        },
    )


def vacancy_closed(vacancy_id: str) -> Envelope:
    return envelope(
        "placement.vacancy_closed.v1",
        vacancy_id,
        {
            "vacancy_id": vacancy_id,
            "occupation_area": "cooking",
            "closed_at": POSTED.isoformat(),
            "reason": "filled",
        },
    )
