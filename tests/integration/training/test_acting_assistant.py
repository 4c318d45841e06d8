"""Who an enrolment is recorded for: a labour assistant whose token names them acts as themselves only."""

from contracts.ids import uuid7
from tests.integration.training.support import (
    COMMUNITY,
    ISSUER,
    accredited_provider,
    as_supervisor,
    course,
    open_case,
    publish,
)


async def test_an_assistant_enrols_as_themselves_and_cannot_name_another(training_api, intake_feed) -> None:
    published = await publish(
        training_api, await accredited_provider(training_api), await course(training_api, code="COOK-ME")
    )
    url = f"/classes/{published['class_id']}/enrolments"
    me, colleague = str(uuid7()), str(uuid7())
    mine = ISSUER.staff_headers("labour_assistant", community_code=COMMUNITY, assistant_id=me)

    unnamed = await training_api.post(url, json={"case_id": await open_case(intake_feed)}, headers=mine)
    assert unnamed.status_code == 201, unnamed.text
    assert unnamed.json()["assistant_id"] == me

    body = {"case_id": await open_case(intake_feed), "assistant_id": colleague}
    posing = await training_api.post(url, json=body, headers=mine)
    assert (posing.status_code, posing.json()["error"]) == (403, "assistant_mismatch")
    assert posing.json()["details"] == {"assistant_id": colleague, "token_assistant_id": me}

    on_behalf = await training_api.post(url, json=body, headers=as_supervisor())
    assert on_behalf.status_code == 201 and on_behalf.json()["assistant_id"] == colleague
    nobody = await training_api.post(
        url, json={"case_id": await open_case(intake_feed)}, headers=as_supervisor()
    )
    assert (nobody.status_code, nobody.json()["errors"]) == (
        422,
        [{"field": "assistant_id", "reason": "required when the token names no assistant"}],
    )
