"""Intake keeps the journey's events: once per id, in its outbox, with the case's stage for search."""

from datetime import UTC, datetime

import httpx
from sqlalchemy import func, select

from contracts.events.journey import JourneyStageChanged
from contracts.journey import JourneyStage
from deploy.dev.components import free_port
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import outbox
from tests.factories import NETWORK, registration


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


async def test_a_stage_change_is_kept_once_and_found_by_the_stage_filter(intake_api, intake_engine):
    case_id = (await intake_api.post("/workers", json=registration())).json()["case_id"]
    other = (await intake_api.post("/workers", json=registration())).json()["case_id"]
    event = stage_changed(case_id, JourneyStage.TRAINING, 2)
    first = await intake_api.post("/journey-events", json=event)
    again = await intake_api.post("/journey-events", json=event)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["kept"] is False
    async with intake_engine.connect() as connection:
        kept = await connection.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.event_id == event["id"])
        )
    assert kept == 1
    older = stage_changed(case_id, JourneyStage.GUIDANCE_AND_PLAN, 1)
    assert (await intake_api.post("/journey-events", json=older)).status_code == 201
    found = (await intake_api.get("/workers", params={"stage": "training"})).json()["items"]
    assert [case["case_id"] for case in found] == [case_id]
    assert other not in [case["case_id"] for case in found]


async def test_stable_employment_closes_the_case(intake_api):
    case_id = (await intake_api.post("/workers", json=registration())).json()["case_id"]
    event = stage_changed(case_id, JourneyStage.STABLE_EMPLOYMENT, 7, exit_reason="stable_employment")
    assert (await intake_api.post("/journey-events", json=event)).status_code == 201
    case = (await intake_api.get(f"/workers/{case_id}")).json()
    assert case["status"] == "closed" and case["journey_stage"] == "stable_employment"
    history = (await intake_api.get(f"/workers/{case_id}/history")).json()
    assert history[-1]["reason"] == "stable_employment"


async def test_events_that_are_not_the_journeys_are_refused(intake_api):
    case_id = (await intake_api.post("/workers", json=registration())).json()["case_id"]
    foreign = stage_changed(case_id, JourneyStage.TRAINING, 1) | {"source": "/services/intake"}
    refused = await intake_api.post("/journey-events", json=foreign)
    assert refused.status_code == 422 and refused.json()["error"] == "not_a_journey_event"
    unknown_case = stage_changed("01a2168f-efa7-762d-80d3-bcc98a96d1bc", JourneyStage.TRAINING, 1)
    assert (await intake_api.post("/journey-events", json=unknown_case)).status_code == 404
    broken = stage_changed(case_id, JourneyStage.TRAINING, 1)
    broken["data"]["sequence"] = 0
    invalid = await intake_api.post("/journey-events", json=broken)
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "data.sequence"


async def test_a_journey_read_when_temporal_is_unreachable_is_a_503(intake_database_url):
    app = create_app(
        ServiceSettings(database_url=intake_database_url, temporal_address=f"127.0.0.1:{free_port()}")
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as intake:
            for path, body in NETWORK:
                await intake.post(path, json=body)
            case_id = (await intake.post("/workers", json=registration())).json()["case_id"]
            answer = await intake.get(f"/workers/{case_id}/journey")
    assert answer.status_code == 503 and answer.json()["error"] == "journey_unavailable"
