"""Intake keeps the journey's events: once per id, in its outbox, with the case's stage for search."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from contracts.events.journey import JourneyStageChanged
from contracts.journey import JourneyStage
from deploy.dev.components import free_port
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import outbox
from tests.factories import registration
from tests.http_checks import body
from tests.integration.intake.support import ISSUER, serving


@pytest.fixture
def intake_api(assistant_api):
    """The labour assistant of ZS-01 registers and reads; the journey workflow (`service_api`) sends."""
    return assistant_api


def stage_changed(case_id: str, stage: JourneyStage, sequence: int, **extra) -> dict:
    event = JourneyStageChanged(
        case_id=case_id,
        stage=stage,
        previous_stage=None,
        sequence=sequence,
        reason="test",
        changed_at=datetime.now(UTC),
        **extra,
    )
    return event.envelope(correlation_id="journey-test").model_dump(mode="json")


async def test_a_stage_change_is_kept_once_and_found_by_the_stage_filter(
    intake_api, service_api, intake_engine
):
    case_id = body(await intake_api.post("/workers", json=registration()), 201)["case_id"]
    other = body(await intake_api.post("/workers", json=registration()), 201)["case_id"]
    event = stage_changed(case_id, JourneyStage.TRAINING, 2)
    first = await service_api.post("/journey-events", json=event)
    again = await service_api.post("/journey-events", json=event)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["kept"] is False
    async with intake_engine.connect() as connection:
        kept = await connection.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.event_id == event["id"])
        )
    assert kept == 1
    older = stage_changed(case_id, JourneyStage.GUIDANCE_AND_PLAN, 1)
    assert (await service_api.post("/journey-events", json=older)).status_code == 201
    found = body(await intake_api.get("/workers", params={"stage": "training"}))["items"]
    assert [case["case_id"] for case in found] == [case_id]
    assert other not in [case["case_id"] for case in found]


async def test_stable_employment_closes_the_case(intake_api, service_api):
    case_id = body(await intake_api.post("/workers", json=registration()), 201)["case_id"]
    event = stage_changed(case_id, JourneyStage.STABLE_EMPLOYMENT, 7, exit_reason="stable_employment")
    assert (await service_api.post("/journey-events", json=event)).status_code == 201
    case = body(await intake_api.get(f"/workers/{case_id}"))
    assert case["status"] == "closed" and case["journey_stage"] == "stable_employment"
    history = body(await intake_api.get(f"/workers/{case_id}/history"))
    assert history[-1]["reason"] == "stable_employment"


async def test_events_that_are_not_the_journeys_are_refused(intake_api, service_api):
    case_id = body(await intake_api.post("/workers", json=registration()), 201)["case_id"]
    foreign = stage_changed(case_id, JourneyStage.TRAINING, 1) | {"source": "/services/intake"}
    refused = await service_api.post("/journey-events", json=foreign)
    assert refused.status_code == 422 and refused.json()["error"] == "not_a_journey_event"
    unknown_case = stage_changed("01a2168f-efa7-762d-80d3-bcc98a96d1bc", JourneyStage.TRAINING, 1)
    assert (await service_api.post("/journey-events", json=unknown_case)).status_code == 404
    broken = stage_changed(case_id, JourneyStage.TRAINING, 1)
    broken["data"]["sequence"] = 0
    invalid = await service_api.post("/journey-events", json=broken)
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "data.sequence"


async def test_a_journey_read_when_temporal_is_unreachable_is_a_503(intake_database_url):
    settings = ServiceSettings(database_url=intake_database_url, temporal_address=f"127.0.0.1:{free_port()}")
    async with serving(create_app(settings, token_verifier=ISSUER.verifier())) as intake:
        case_id = body(await intake.assistant.post("/workers", json=registration()), 201)["case_id"]
        answer = await intake.assistant.get(f"/workers/{case_id}/journey")
    assert answer.status_code == 503 and answer.json()["error"] == "journey_unavailable"


async def test_only_the_platforms_own_service_may_keep_journey_events(intake_api, supervisor_api):
    case_id = body(await intake_api.post("/workers", json=registration()), 201)["case_id"]
    event = stage_changed(case_id, JourneyStage.TRAINING, 1)
    for staff in (intake_api, supervisor_api):
        refused = await staff.post("/journey-events", json=event)
        assert refused.status_code == 403 and refused.json()["error"] == "service_client_only"
