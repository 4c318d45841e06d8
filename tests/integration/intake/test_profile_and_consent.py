"""Skills profiles keep every version; consents are granted and withdrawn with events (both engines)."""

import asyncio
import json

import pytest
from sqlalchemy import select

from services.intake.models import outbox
from tests.factories import registration
from tests.http_checks import body

PROFILE = {
    "education": "senior_secondary",
    "skills": [{"name": "housekeeping", "level": "advanced"}],
    "certificates": [{"name": "家政服务员", "number": "HS-2026-0042", "issued_on": "2026-06-30"}],
    "work_history": [
        {
            "employer": "红星纺织厂",
            "occupation": "weaver",
            "started_on": "1995-03-01",
            "ended_on": "2026-09-30",
        }
    ],
    "health_limits": ["no heavy lifting"],
    "desired_occupations": ["housekeeper"],
    "desired_employment_forms": ["hourly", "part_time"],
    "availability": {"available_from": "2026-12-01", "hours_per_week": 30},
}


@pytest.fixture
def intake_api(assistant_api):
    """The labour assistant of ZS-01 records profiles and consents."""
    return assistant_api


@pytest.fixture
async def case_id(intake_api) -> str:
    response = await intake_api.post("/workers", json=registration())
    return body(response, 201)["case_id"]


async def events(intake_engine, event_type: str) -> list[dict]:
    async with intake_engine.connect() as connection:
        payloads = (await connection.execute(select(outbox.c.payload).order_by(outbox.c.seq))).scalars()
        return [json.loads(p)["data"] for p in payloads if json.loads(p)["type"] == event_type]


async def test_every_profile_change_is_a_new_version_and_all_stay_viewable(
    intake_api, intake_engine, case_id
):
    first = await intake_api.put(
        f"/workers/{case_id}/profile", json={"profile": PROFILE, "expected_version": 0}
    )
    assert first.status_code == 200, first.text
    changed = PROFILE | {"desired_occupations": ["housekeeper", "cleaner"]}
    second = await intake_api.put(
        f"/workers/{case_id}/profile", json={"profile": changed, "expected_version": 1}
    )
    assert body(second)["version"] == 2

    current = body(await intake_api.get(f"/workers/{case_id}/profile"))
    assert current["version"] == 2 and current["profile"]["desired_occupations"] == ["housekeeper", "cleaner"]
    versions = body(await intake_api.get(f"/workers/{case_id}/profile/versions"))
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["profile"]["desired_occupations"] == ["housekeeper"]

    published = await events(intake_engine, "intake.skills_profile_updated.v1")
    assert [e["version"] for e in published] == [1, 2]
    assert published[0]["skills"] == ["housekeeping:advanced"]
    assert published[0]["certificates"] == ["家政服务员"]
    assert all("health_limits" not in e and "lifting" not in json.dumps(e) for e in published)


async def test_a_change_made_from_an_old_version_is_refused(intake_api, case_id):
    await intake_api.put(f"/workers/{case_id}/profile", json={"profile": PROFILE})
    stale = await intake_api.put(
        f"/workers/{case_id}/profile", json={"profile": PROFILE, "expected_version": 0}
    )
    assert stale.status_code == 409
    assert stale.json()["error"] == "profile_changed"
    assert stale.json()["details"]["newest_version"] == "1"


async def test_concurrent_changes_from_the_same_version_keep_exactly_one(intake_api, case_id):
    payload = {"profile": PROFILE, "expected_version": 0}
    answers = await asyncio.gather(
        *(intake_api.put(f"/workers/{case_id}/profile", json=payload) for _ in range(6))
    )
    assert sorted(a.status_code for a in answers) == [200] + [409] * 5
    assert len(body(await intake_api.get(f"/workers/{case_id}/profile/versions"))) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"education": "phd"}, "profile.education"),
        ({"skills": [{"name": "x", "level": "guru"}]}, "profile.skills.0.level"),
        ({"desired_employment_forms": ["gig"]}, "profile.desired_employment_forms.0"),
        (
            {
                "work_history": [
                    {"employer": "a", "occupation": "b", "started_on": "2020-01-01", "ended_on": "2019-01-01"}
                ]
            },
            "profile.work_history.0",
        ),
        (
            {"availability": {"available_from": "2026-12-01", "hours_per_week": 200}},
            "profile.availability.hours_per_week",
        ),
    ],
)
async def test_invalid_profiles_name_the_field(intake_api, case_id, change, field):
    response = await intake_api.put(f"/workers/{case_id}/profile", json={"profile": PROFILE | change})
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


async def test_consent_is_granted_and_withdrawn_with_events(intake_api, intake_engine, case_id):
    granted = await intake_api.post(
        f"/workers/{case_id}/consents",
        json={"agency": "bank", "purpose": "guaranteed micro-loan application", "expires_on": "2027-12-31"},
    )
    assert granted.status_code == 201, granted.text
    consent = granted.json()
    assert consent["in_force"] is True and consent["withdrawn_at"] is None

    withdrawn = await intake_api.post(f"/workers/{case_id}/consents/{consent['consent_id']}/withdrawal")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["in_force"] is False and withdrawn.json()["withdrawn_at"] is not None
    again = await intake_api.post(f"/workers/{case_id}/consents/{consent['consent_id']}/withdrawal")
    assert body(again)["withdrawn_at"] == withdrawn.json()["withdrawn_at"]

    listed = body(await intake_api.get(f"/workers/{case_id}/consents"))
    assert [(c["agency"], c["in_force"]) for c in listed] == [("bank", False)]
    assert [e["agency"] for e in await events(intake_engine, "intake.consent_granted.v1")] == ["bank"]
    assert [e["consent_id"] for e in await events(intake_engine, "intake.consent_withdrawn.v1")] == [
        consent["consent_id"]
    ]


async def test_consent_needs_a_known_agency_and_a_future_expiry(intake_api, case_id):
    unknown = await intake_api.post(
        f"/workers/{case_id}/consents", json={"agency": "police", "purpose": "x", "expires_on": "2027-01-01"}
    )
    expired = await intake_api.post(
        f"/workers/{case_id}/consents", json={"agency": "tax", "purpose": "x", "expires_on": "2020-01-01"}
    )
    assert unknown.status_code == expired.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "agency"
    assert expired.json()["errors"][0]["field"] == "expires_on"
    missing = await intake_api.get("/workers/01a20c9b-3192-7e13-87c2-13fe6cf88833/consents")
    assert missing.status_code == 404
