"""Employers and vacancies on SQLite and PostgreSQL: verification first, no discriminatory filters."""

import json

from sqlalchemy import func, select

from services.placement.models import Vacancy, outbox
from tests.http_checks import body
from tests.integration.placement.builders import (
    as_employer,
    as_supervisor,
    employer_body,
    posted_vacancy,
    vacancy_body,
    verified_employer,
)


async def count(engine, table) -> int:
    async with engine.connect() as connection:
        return await connection.scalar(select(func.count()).select_from(table))


async def test_an_employer_posts_once_verified_and_the_vacancy_is_announced(placement_api, placement_engine):
    api = placement_api
    registered = await api.post("/employers", json=employer_body())
    assert registered.status_code == 201 and registered.json()["status"] == "registered"
    employer_id = registered.json()["employer_id"]

    early = await api.post(
        f"/employers/{employer_id}/vacancies", json=vacancy_body(), headers=as_employer(employer_id)
    )
    assert early.status_code == 409 and early.json()["error"] == "employer_not_verified"
    verified = await api.post(f"/employers/{employer_id}/verification", headers=as_supervisor())
    assert body(verified)["status"] == "verified" and verified.json()["verified_at"]
    again = await api.post(f"/employers/{employer_id}/verification", headers=as_supervisor())
    assert again.status_code == 409 and again.json()["error"] == "employer_transition_refused"

    posted = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(
            required_skills=["Cleaning:Intermediate"], required_certificates=[" Housekeeping "]
        ),
        headers=as_employer(employer_id),
    )
    assert posted.status_code == 201, posted.text
    vacancy = posted.json()
    assert vacancy["status"] == "open" and vacancy["openings_filled"] == 0
    assert vacancy["required_skills"] == ["cleaning:intermediate"]
    assert vacancy["required_certificates"] == ["housekeeping"]
    assert body(await api.get(f"/vacancies/{vacancy['vacancy_id']}")) == vacancy

    async with placement_engine.connect() as connection:
        payload = await connection.scalar(
            select(outbox.c.payload).where(outbox.c.event_type == "placement.vacancy_posted.v1")
        )
    event = json.loads(payload)
    assert event["subject"] == vacancy["vacancy_id"]
    assert event["data"]["employment_form"] == "hourly" and event["data"]["hourly_wage_yuan"] == 35
    assert event["data"]["monthly_wage_yuan"] is None and event["data"]["openings"] == 3

    duplicate = await api.post("/employers", json=employer_body(registration_reference="91110105XY12345678"))
    assert duplicate.status_code == 201
    same = await api.post("/employers", json=employer_body(registration_reference="91110105XY12345678"))
    assert same.status_code == 409 and same.json()["errors"][0]["field"] == "registration_reference"

    suspended = await api.post(f"/employers/{employer_id}/suspension", headers=as_supervisor())
    assert body(suspended)["status"] == "suspended"
    refused = await api.post(
        f"/employers/{employer_id}/vacancies", json=vacancy_body(), headers=as_employer(employer_id)
    )
    assert refused.status_code == 409 and refused.json()["error"] == "employer_not_verified"
    assert (
        body(await api.post(f"/employers/{employer_id}/reinstatement", headers=as_supervisor()))["status"]
        == "verified"
    )


async def test_discriminatory_vacancies_are_refused_and_nothing_is_written(placement_api, placement_engine):
    api = placement_api
    employer_id = await verified_employer(api)
    before = (await count(placement_engine, Vacancy), await count(placement_engine, outbox))

    by_field = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(max_age=35, gender="female", hukou="local"),
        headers=as_employer(employer_id),
    )
    assert by_field.status_code == 422
    body = by_field.json()
    assert body["error"] == "discriminatory_requirement"
    assert [e["field"] for e in body["errors"]] == ["max_age", "gender", "hukou"]
    assert all(e["reason"].startswith("no_discriminatory_filters") for e in body["errors"])

    by_text = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(description="限女 年龄40岁以下 已婚已育", required_skills=["cleaning", "身体健康"]),
        headers=as_employer(employer_id),
    )
    assert by_text.status_code == 422
    grounds = {(e["field"], e["reason"].rsplit(" ", 1)[-1]) for e in by_text.json()["errors"]}
    assert grounds == {
        ("description", "sex"),
        ("description", "age"),
        ("description", "marital_status"),
        ("required_skills.1", "health_status"),
    }

    unknown = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(shift="night"),
        headers=as_employer(employer_id),
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "validation_failed"
    assert unknown.json()["errors"][0]["field"] == "shift"
    no_pay = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(hourly_wage_yuan=None),
        headers=as_employer(employer_id),
    )
    assert no_pay.status_code == 422
    bad_form = await api.post(
        f"/employers/{employer_id}/vacancies",
        json=vacancy_body(employment_form="gig"),
        headers=as_employer(employer_id),
    )
    assert bad_form.status_code == 422 and bad_form.json()["errors"][0]["field"] == "employment_form"
    assert (await count(placement_engine, Vacancy), await count(placement_engine, outbox)) == before


async def test_only_the_posting_employer_closes_its_vacancy(placement_api):
    api = placement_api
    owner, other = await verified_employer(api), await verified_employer(api)
    vacancy_id = await posted_vacancy(api, owner)
    closure = {"reason": "withdrawn"}
    hidden = await api.post(
        f"/employers/{other}/vacancies/{vacancy_id}/closure", json=closure, headers=as_employer(other)
    )
    assert hidden.status_code == 404 and hidden.json()["error"] == "vacancy_not_found"
    closed = await api.post(
        f"/employers/{owner}/vacancies/{vacancy_id}/closure", json=closure, headers=as_employer(owner)
    )
    assert body(closed)["status"] == "closed" and closed.json()["close_reason"] == "withdrawn"
    twice = await api.post(
        f"/employers/{owner}/vacancies/{vacancy_id}/closure", json=closure, headers=as_employer(owner)
    )
    assert twice.status_code == 409
    assert body(await api.get("/vacancies", params={"status": "open"})) == []
    assert [v["vacancy_id"] for v in body(await api.get("/vacancies", params={"employer_id": owner}))] == [
        vacancy_id
    ]
