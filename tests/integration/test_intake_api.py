"""The intake API on SQLite and PostgreSQL: a registration writes the case and its event, or nothing."""

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import func, select, text

from contracts.envelope import Envelope
from services.common.settings import ServiceSettings
from services.intake.app import create_app
from services.intake.models import WorkerCase, outbox
from tests.factories import registration


@pytest_asyncio.fixture
async def api(intake_database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(ServiceSettings(database_url=intake_database_url, max_body_bytes=4096))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            yield client


async def counts(intake_engine) -> tuple[int, int]:
    async with intake_engine.connect() as connection:
        cases = await connection.scalar(select(func.count()).select_from(WorkerCase))
        events = await connection.scalar(select(func.count()).select_from(outbox))
    return cases, events


async def test_registration_opens_a_case_and_writes_its_event(api, intake_engine):
    response = await api.post("/workers", json=registration(), headers={"X-Correlation-ID": "req-42"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "open"
    assert body["layoff_reason"] == "restructuring"
    assert response.headers["X-Correlation-ID"] == "req-42"

    async with intake_engine.connect() as connection:
        row = (await connection.execute(select(outbox))).one()
        name = await connection.scalar(text("SELECT full_name FROM worker_cases"))
    envelope = Envelope.model_validate_json(row.payload)
    assert envelope.type == "intake.worker_registered.v1"
    assert envelope.subject == body["case_id"] == row.message_key
    assert envelope.correlationid == "req-42"
    assert envelope.data["community_code"] == "ZS-01"
    assert "full_name" not in envelope.data and "mobile" not in envelope.data
    assert row.published_at is None
    assert name == "王秀兰"

    fetched = await api.get(f"/workers/{body['case_id']}")
    assert fetched.status_code == 200 and fetched.json() == body


@pytest.mark.parametrize(
    ("body", "status", "code", "fields"),
    [
        (registration(mobile=13912345678), 422, "validation_failed", {"mobile"}),
        (registration(mobile="12345"), 422, "validation_failed", {"mobile"}),
        (registration(layoff_date="2999-01-01"), 422, "validation_failed", {"layoff_date"}),
        (registration(layoff_date="2026-02-30"), 422, "validation_failed", {"layoff_date"}),
        (registration(layoff_reason="fired"), 422, "validation_failed", {"layoff_reason"}),
        (registration(community_code="no spaces allowed"), 422, "validation_failed", {"community_code"}),
        (registration(full_name="   "), 422, "validation_failed", {"full_name"}),
        (registration(nickname="x"), 422, "validation_failed", {"nickname"}),
        (
            {"full_name": "李四"},
            422,
            "validation_failed",
            {"mobile", "community_code", "layoff_date", "layoff_reason"},
        ),
        ([1, 2], 422, "validation_failed", {"body"}),
    ],
)
async def test_invalid_registrations_name_the_field_and_write_nothing(
    api, intake_engine, body, status, code, fields
):
    response = await api.post("/workers", json=body)
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["error"] == code
    assert fields <= {error["field"] for error in problem["errors"]}
    assert all(error["reason"] for error in problem["errors"])
    assert await counts(intake_engine) == (0, 0)


async def test_malformed_json_is_a_400_and_writes_nothing(api, intake_engine):
    response = await api.post(
        "/workers", content=b'{"full_name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "malformed_json"
    assert response.json()["errors"][0]["field"] == "body"
    assert await counts(intake_engine) == (0, 0)


async def test_oversize_body_is_a_413_and_writes_nothing(api, intake_engine):
    huge = json.dumps(registration(full_name="x" * 10_000)).encode()
    response = await api.post("/workers", content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
    assert await counts(intake_engine) == (0, 0)


async def test_unknown_case_is_a_404_with_a_code(api):
    response = await api.get("/workers/01a20c9b-3192-7e13-87c2-13fe6cf88833")
    assert response.status_code == 404
    assert response.json()["error"] == "case_not_found"
