"""Submitting applications: consent, validation, idempotency, encryption at rest, routing to the feed."""

import asyncio
from datetime import timedelta

from sqlalchemy import text

from contracts.events.intake import Agency
from services.benefits.domain import FEED_FIELDS
from tests.http_checks import body
from tests.integration.benefits.conftest import Benefits, loan_request, new_case


async def test_an_application_without_consent_to_the_agency_is_refused_and_nothing_is_written(
    benefits: Benefits,
) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.TAX)

    response = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )

    assert response.status_code == 409
    assert response.json()["error"] == "consent_required"
    assert response.json()["details"] == {"agency": "bank"}
    assert await benefits.events() == []


async def test_a_loan_application_is_routed_to_the_bank_with_only_the_bank_fields(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)

    response = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )

    assert response.status_code == 201, response.text
    application = response.json()
    assert application["agency"] == "bank"
    assert application["status"] == "submitted"
    assert application["due_on"] == str(benefits.clock.now.date() + timedelta(days=15))
    assert "full_name" not in application
    submitted = await benefits.events("benefits.application_submitted.v1")
    assert submitted == [
        (
            "benefits.events",
            {
                "case_id": case_id,
                "application_id": application["application_id"],
                "kind": "micro_loan",
                "agency": "bank",
                "due_on": application["due_on"],
                "submitted_at": submitted[0][1]["submitted_at"],
            },
        )
    ]
    [(topic, feed)] = await benefits.events("benefits.bank_application.v1")
    assert topic == "feed.bank"
    assert tuple(feed) == FEED_FIELDS[Agency.BANK]
    assert feed["full_name"] == "张伟"
    assert feed["resident_id_masked"] == "1101**********123X"
    assert feed["requested_amount_yuan"] == 100_000
    assert "case_id" not in feed


async def test_names_and_ids_are_encrypted_at_rest(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)
    assert (
        await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant())
    ).status_code == 201

    async with benefits.office.sessions() as session:
        stored = (
            await session.execute(
                text("SELECT full_name_encrypted, resident_id_masked_encrypted FROM benefit_applications")
            )
        ).one()
        deliveries = (
            (await session.execute(text("SELECT body_encrypted FROM feed_deliveries"))).scalars().all()
        )
    assert "张伟" not in "".join(stored) and "123X" not in "".join(stored)
    assert len(deliveries) == 1 and "张伟" not in deliveries[0]


async def test_the_same_key_gives_the_same_application_and_other_content_is_a_conflict(
    benefits: Benefits,
) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)
    first = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )
    again = await benefits.http.post(
        "/applications", json=loan_request(case_id), headers=benefits.assistant()
    )
    other = await benefits.http.post(
        "/applications", json=loan_request(case_id, requested_amount_yuan=5), headers=benefits.assistant()
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json() == first.json()
    assert other.json()["error"] == "application_key_conflict"
    assert len(await benefits.events("benefits.application_submitted.v1")) == 1


async def test_concurrent_submissions_with_one_key_create_one_application(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)

    responses = await asyncio.gather(
        *(
            benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant())
            for _ in range(4)
        )
    )

    assert sorted(r.status_code for r in responses) == [200, 200, 200, 201]
    assert len({body(r, (200, 201))["application_id"] for r in responses}) == 1
    assert len(await benefits.events("benefits.bank_application.v1")) == 1


async def test_bad_input_names_the_field_and_the_rule(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)

    unmasked = await benefits.http.post(
        "/applications",
        json=loan_request(case_id, resident_id_masked="110101199003071234"),
        headers=benefits.assistant(),
    )
    no_amount = await benefits.http.post(
        "/applications",
        json=loan_request(case_id, requested_amount_yuan=None, term_months=60),
        headers=benefits.assistant(),
    )
    stray = await benefits.http.post(
        "/applications",
        json=loan_request(case_id, kind="health_certificate", application_key="health-1"),
        headers=benefits.assistant(),
    )

    assert unmasked.status_code == 422
    assert [e["field"] for e in unmasked.json()["errors"]] == ["resident_id_masked"]
    assert no_amount.status_code == 422
    assert no_amount.json()["error"] == "application_invalid"
    assert no_amount.json()["errors"] == [
        {"field": "requested_amount_yuan", "reason": "required for a micro_loan"},
        {"field": "term_months", "reason": "must be between 1 and 36"},
    ]
    assert stray.status_code == 422
    assert {e["field"] for e in stray.json()["errors"]} == {"requested_amount_yuan", "term_months"}
    assert await benefits.events("benefits.application_submitted.v1") == []


async def test_an_application_is_withdrawn_once_and_the_agency_is_told_to_stop(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK)
    application_id = body(
        await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant()),
        201,
    )["application_id"]

    withdrawn = await benefits.http.post(
        f"/applications/{application_id}/withdrawal",
        json={"reason": "found a job instead"},
        headers=benefits.assistant(),
    )
    again = await benefits.http.post(
        f"/applications/{application_id}/withdrawal", json={"reason": "again"}, headers=benefits.assistant()
    )
    deliveries = await benefits.http.get("/feed-deliveries", headers=benefits.issuer.operator())

    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert again.status_code == 409 and again.json()["error"] == "application_transition_refused"
    assert [(d["event_type"], d["status"]) for d in body(deliveries)] == [
        ("benefits.bank_application.v1", "cancelled"),
        ("benefits.application_retracted.v1", "pending"),
    ]
    [(topic, notice)] = await benefits.events("benefits.application_retracted.v1")
    assert topic == "feed.bank" and notice["application_id"] == application_id
    assert len(await benefits.events("benefits.application_withdrawn.v1")) == 1
