"""The intake API on SQLite and PostgreSQL: a registration writes the case and its event, or nothing."""

import asyncio
import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from contracts.envelope import Envelope
from services.intake.models import WorkerCase, outbox
from tests.factories import registration, resident_id_number
from tests.http_checks import body


@pytest.fixture
def api(assistant_api):
    """A labour assistant of ZS-01 registers and reads the cases of their community."""
    return assistant_api


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


async def test_a_52_year_old_man_laid_off_in_a_restructuring_is_flagged_4050(api, intake_engine):
    number = resident_id_number(birth=date(1974, 3, 1), male=True)
    response = await api.post(
        "/workers",
        json=registration(resident_id=number, layoff_date="2026-09-30", sex="male", birth_date="1974-03-01"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["hardship_flags"] == ["aged_4050"]
    assert body["sex"] == "male" and body["birth_date"] == "1974-03-01"
    assert body["resident_id_masked"] == number[:4] + "*" * 10 + number[-4:]
    async with intake_engine.connect() as connection:
        stored = " ".join(
            str(value) for value in (await connection.execute(text("SELECT * FROM worker_cases"))).one()
        )
        event = (await connection.execute(select(outbox.c.payload))).scalar_one()
    assert number not in stored, "the resident ID must be stored encrypted"
    assert number not in event
    assert json.loads(event)["data"]["hardship_flags"] == ["aged_4050"]


async def test_a_woman_of_39_is_not_4050_but_a_household_without_work_is_flagged(api):
    number = resident_id_number(birth=date(1987, 1, 1), male=False)
    response = await api.post(
        "/workers",
        json=registration(
            resident_id=number,
            layoff_date="2026-09-30",
            household={"members_of_working_age": 3, "employed_members_of_working_age": 0},
            disability=True,
        ),
    )
    assert body(response, 201)["hardship_flags"] == ["zero_employment_family", "disability"]


async def test_a_second_registration_of_the_same_person_is_a_409_naming_the_open_case(api, intake_engine):
    payload = registration()
    first = await api.post("/workers", json=payload)
    again = await api.post("/workers", json=payload | {"full_name": "另一个名字"})
    assert again.status_code == 409
    assert again.json()["error"] == "case_already_open"
    assert again.json()["details"]["case_id"] == body(first, 201)["case_id"]
    assert await counts(intake_engine) == (1, 1)


async def test_concurrent_registrations_of_one_person_open_exactly_one_case(api, intake_engine):
    body = registration()
    answers = await asyncio.gather(*(api.post("/workers", json=body) for _ in range(8)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * 7
    case_id = next(answer.json()["case_id"] for answer in answers if answer.status_code == 201)
    assert {answer.json()["details"]["case_id"] for answer in answers if answer.status_code == 409} == {
        case_id
    }
    assert await counts(intake_engine) == (1, 1)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"resident_id": "110105194912310021"}, "resident_id", "check character"),
        ({"resident_id": "11010519491331002X"}, "resident_id", "birth date"),
        ({"resident_id": "1101051949"}, "resident_id", "18"),
        ({"birth_date": "1950-01-01"}, "birth_date", "does not match"),
        ({"sex": "male"}, "sex", "does not match"),
        ({"layoff_date": "1955-06-01"}, "layoff_date", "16th birthday"),
        (
            {"household": {"members_of_working_age": 2, "employed_members_of_working_age": 2}},
            "household",
            "exceed",
        ),
    ],
)
async def test_identity_problems_name_the_field_and_the_rule(api, intake_engine, changes, field, rule):
    body = registration(resident_id="11010519491231002X", birth_date="1949-12-31", sex="female") | changes
    response = await api.post("/workers", json=body)
    assert response.status_code == 422, response.text
    reasons = {error["field"]: error["reason"] for error in response.json()["errors"]}
    assert rule in reasons[field]
    assert await counts(intake_engine) == (0, 0)


async def test_only_a_caller_allowed_the_full_resident_id_sees_it(api, supervisor_api):
    number = resident_id_number()
    case_id = body(await api.post("/workers", json=registration(resident_id=number)), 201)["case_id"]
    as_assistant = body(await api.get(f"/workers/{case_id}"))
    assert as_assistant["resident_id"] is None
    assert as_assistant["resident_id_masked"] == number[:4] + "*" * 10 + number[-4:]
    as_supervisor = body(await supervisor_api.get(f"/workers/{case_id}"))
    assert as_supervisor["resident_id"] == number
    listed = body(await supervisor_api.get("/workers"))["items"]
    assert [case["resident_id"] for case in listed] == [None], "lists never carry the full number"
