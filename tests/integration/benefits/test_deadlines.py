"""Decision deadlines with the clock moved: a reminder before the due day, overdue after it, each once."""

import asyncio
from datetime import timedelta

from contracts.events.intake import Agency
from services.benefits.deadlines import sweep_deadlines
from tests.http_checks import body
from tests.integration.benefits.conftest import Benefits, loan_request, new_case


async def test_the_agency_is_reminded_then_the_application_is_overdue_each_once(benefits: Benefits) -> None:
    case_id = new_case()
    await benefits.consent(case_id, Agency.BANK, days=400)
    application = body(
        await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant()),
        201,
    )

    assert await sweep_deadlines(benefits.office) == (0, 0)
    benefits.clock.advance(timedelta(days=12))
    assert await sweep_deadlines(benefits.office) == (1, 0)
    assert await sweep_deadlines(benefits.office) == (0, 0)
    benefits.clock.advance(timedelta(days=3))
    assert await sweep_deadlines(benefits.office) == (0, 0)
    benefits.clock.advance(timedelta(days=1))
    assert await sweep_deadlines(benefits.office) == (0, 1)

    [(_, reminded)] = await benefits.events("benefits.application_reminded.v1")
    [(_, overdue)] = await benefits.events("benefits.application_overdue.v1")
    assert reminded["application_id"] == overdue["application_id"] == application["application_id"]
    assert overdue["due_on"] == application["due_on"]
    assert (
        body(
            await benefits.http.get(
                f"/applications/{application['application_id']}", headers=benefits.assistant()
            )
        )["overdue_at"]
        is not None
    )
    [(topic, notice)] = await benefits.events("benefits.decision_reminder.v1")
    assert topic == "feed.bank"
    assert notice == {
        "application_id": application["application_id"],
        "kind": "micro_loan",
        "due_on": application["due_on"],
        "reminded_at": reminded["reminded_at"],
    }
    deliveries = body(await benefits.http.get("/feed-deliveries", headers=benefits.issuer.operator()))
    assert [d["event_type"] for d in deliveries] == [
        "benefits.bank_application.v1",
        "benefits.decision_reminder.v1",
    ]


async def test_no_reminder_goes_to_an_agency_the_worker_no_longer_consents_to(benefits: Benefits) -> None:
    case_id = new_case()
    consent_id = await benefits.consent(case_id, Agency.BANK)
    await benefits.http.post("/applications", json=loan_request(case_id), headers=benefits.assistant())
    await benefits.withdraw_consent(case_id, Agency.BANK, consent_id)
    benefits.clock.advance(timedelta(days=12))

    assert await sweep_deadlines(benefits.office) == (1, 0)

    assert len(await benefits.events("benefits.application_reminded.v1")) == 1
    assert await benefits.events("benefits.decision_reminder.v1") == []


async def test_a_decided_application_is_never_overdue_and_concurrent_sweeps_publish_once(
    benefits: Benefits,
) -> None:
    decided_case, waiting_case = new_case(), new_case()
    for case_id in (decided_case, waiting_case):
        await benefits.consent(case_id, Agency.BANK, days=400)
    decided = body(
        await benefits.http.post(
            "/applications", json=loan_request(decided_case), headers=benefits.assistant()
        ),
        201,
    )
    await benefits.http.post("/applications", json=loan_request(waiting_case), headers=benefits.assistant())
    await benefits.http.post(
        f"/agencies/bank/applications/{decided['application_id']}/decision",
        json={"decision": "rejected", "reason": "no guarantor"},
        headers=benefits.issuer.agency(Agency.BANK),
    )
    benefits.clock.advance(timedelta(days=30))

    results = await asyncio.gather(*(sweep_deadlines(benefits.office) for _ in range(3)))

    assert sorted(results) == [(0, 0), (0, 0), (1, 1)]
    overdue = await benefits.events("benefits.application_overdue.v1")
    assert [data["case_id"] for _, data in overdue] == [waiting_case]
