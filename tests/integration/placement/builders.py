"""Small deterministic builders of placement test data."""

import itertools
from datetime import UTC, date, datetime
from typing import Any

import httpx

from contracts.envelope import Envelope, schema_url
from contracts.events import Event
from contracts.events.intake import CaseAssigned, LayoffReason, SkillsProfileUpdated, WorkerRegistered
from contracts.ids import uuid7
from services.common import scopes
from services.common.consumer import EventHandler, Outcome
from tests.tokens import TestIssuer

MOMENT = datetime(2026, 10, 8, 9, 0, tzinfo=UTC)
_references = itertools.count(1)
ISSUER = TestIssuer()
"""Signs the tokens of these tests; the `placement_api` fixture verifies with it."""


COMMUNITY = "ZS-01"
"""The community of the workers `Feed.worker` registers, and of the assistant the API client calls as."""


def as_assistant(community_code: str = COMMUNITY) -> dict[str, str]:
    """A labour assistant's staff token: what the `placement_api` client sends unless told otherwise."""
    return ISSUER.staff_headers("labour_assistant", community_code=community_code)


def as_supervisor(**claims: str) -> dict[str, str]:
    """A supervisor's staff token: verifies, suspends and reinstates employers, keeps the communities."""
    return ISSUER.staff_headers("supervisor", **claims)


def as_service() -> dict[str, str]:
    """The Temporal worker's service token: it creates and cancels follow-up tasks."""
    return ISSUER.service_headers()


def as_employer(employer_id: str, *granted: str) -> dict[str, str]:
    """Headers with an employer client's token naming `employer_id` (`vacancies:manage` unless told)."""
    return ISSUER.headers(
        *(granted or (scopes.VACANCIES_MANAGE,)), client_kind="employer", employer_id=employer_id
    )


class Feed:
    """Feeds events to placement's consumer handler as the consumer loop would."""

    def __init__(self, handler: EventHandler) -> None:
        self.handler = handler

    async def envelope(self, envelope: Envelope) -> Outcome:
        return await self.handler(envelope)

    async def event(self, event: Event) -> Outcome:
        return await self.handler(event.envelope(correlation_id="test"))

    async def certificate(self, case_id: str, *, area: str, name: str, number: str = "") -> Outcome:
        return await self.handler(certificate_envelope(case_id, area=area, name=name, number=number))

    async def worker(
        self,
        *,
        community: str = "ZS-01",
        flags: tuple[str, ...] = (),
        skills: tuple[str, ...] = (),
        certificates: tuple[str, ...] = (),
        occupations: tuple[str, ...] = (),
        forms: tuple[str, ...] = (),
        assistant_id: str | None = None,
    ) -> str:
        """A registered worker with a skills profile; returns the case id."""
        case_id = str(uuid7())
        await self.event(registered(case_id, community=community, flags=flags))
        await self.event(
            profile(case_id, skills=skills, certificates=certificates, occupations=occupations, forms=forms)
        )
        if assistant_id is not None:
            await self.event(assigned(case_id, assistant_id))
        return case_id


def registered(case_id: str, *, community: str = "ZS-01", flags: tuple[str, ...] = ()) -> WorkerRegistered:
    return WorkerRegistered(
        case_id=case_id,
        community_code=community,
        layoff_date=date(2026, 9, 30),
        layoff_reason=LayoffReason.RESTRUCTURING,
        registered_at=MOMENT,
        hardship_flags=list(flags),
    )


def profile(
    case_id: str,
    *,
    version: int = 1,
    skills: tuple[str, ...] = (),
    certificates: tuple[str, ...] = (),
    occupations: tuple[str, ...] = (),
    forms: tuple[str, ...] = (),
) -> SkillsProfileUpdated:
    return SkillsProfileUpdated(
        case_id=case_id,
        version=version,
        education="junior_secondary",
        skills=list(skills),
        certificates=list(certificates),
        desired_occupations=list(occupations),
        desired_employment_forms=list(forms),
    )


def assigned(case_id: str, assistant_id: str) -> CaseAssigned:
    return CaseAssigned(
        case_id=case_id,
        assistant_id=assistant_id,
        community_code="ZS-01",
        reason="automatic",
        assigned_at=MOMENT,
    )


def certificate_envelope(case_id: str, *, area: str, name: str, number: str = "") -> Envelope:
    """A `training.certificate_issued.v1` as training publishes it (fields of events.md)."""
    return Envelope(
        source="/services/training",
        type="training.certificate_issued.v1",
        subject=case_id,
        dataschema=schema_url("training.certificate_issued.v1"),
        data={
            "case_id": case_id,
            "enrolment_id": str(uuid7()),
            "certificate_number": number or f"CERT-{next(_references):05d}",
            "course_id": str(uuid7()),
            "occupation_area": area,
            "certificate_name": name,
            "issued_at": MOMENT.isoformat(),
        },
        correlationid="test",
    )


def employer_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "安心家政服务有限公司",
        "kind": "enterprise",
        "registration_reference": f"91110105MA{next(_references):08d}",
        "community_code": "ZS-01",
    }
    return body | overrides


def vacancy_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "钟点工 hourly housekeeper",
        "description": "Cleaning and cooking for families, four hours a day",
        "occupation_area": "housekeeping",
        "employment_form": "hourly",
        "openings": 3,
        "required_skills": ["cleaning"],
        "required_certificates": ["housekeeping"],
        "community_code": "ZS-01",
        "hourly_wage_yuan": 35,
    }
    return body | overrides


async def verified_employer(api: httpx.AsyncClient, **overrides: Any) -> str:
    created = await api.post("/employers", json=employer_body(**overrides))
    assert created.status_code == 201, created.text
    employer_id: str = created.json()["employer_id"]
    verified = await api.post(f"/employers/{employer_id}/verification", headers=as_supervisor())
    assert verified.status_code == 200, verified.text
    return employer_id


async def posted_vacancy(api: httpx.AsyncClient, employer_id: str, **overrides: Any) -> str:
    posted = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(**overrides),
        headers=as_employer(employer_id),
    )
    assert posted.status_code == 201, posted.text
    vacancy_id: str = posted.json()["vacancy_id"]
    return vacancy_id


HIRE_TERMS = {
    "has_labour_contract": True,
    "contract_months": 12,
    "start_date": "2026-11-02",
    "monthly_wage_yuan": 3200,
    "social_insurance": True,
}


async def hired(api: httpx.AsyncClient, employer_id: str, case_id: str, vacancy_id: str) -> dict[str, Any]:
    """Refer, offer and hire: the hire's body."""
    referral = await api.post("/referrals", json={"case_id": case_id, "vacancy_id": vacancy_id})
    assert referral.status_code == 201, referral.text
    referral_id = referral.json()["referral_id"]
    offer = await api.post(
        f"/employers/{employer_id}/referrals/{referral_id}/answer",
        json={"answer": "offer"},
        headers=as_employer(employer_id),
    )
    assert offer.status_code == 200, offer.text
    hire = await api.post(
        f"/employers/{employer_id}/referrals/{referral_id}/hire",
        json=HIRE_TERMS,
        headers=as_employer(employer_id),
    )
    assert hire.status_code == 201, hire.text
    body: dict[str, Any] = hire.json()
    return body
