"""Who a referral is recorded for: a labour assistant whose token names them refers as themselves only."""

from contracts.ids import uuid7
from tests.http_checks import body
from tests.integration.placement.builders import COMMUNITY, ISSUER, posted_vacancy, verified_employer


async def test_an_assistant_refers_as_themselves_and_cannot_name_another(placement_api, feed) -> None:
    vacancy = await posted_vacancy(placement_api, await verified_employer(placement_api))
    me, colleague = str(uuid7()), str(uuid7())
    mine = ISSUER.staff_headers("labour_assistant", community_code=COMMUNITY, assistant_id=me)

    first = {"case_id": await feed.worker(occupations=("housekeeping",)), "vacancy_id": vacancy}
    referred = await placement_api.post("/referrals", json=first, headers=mine)
    assert referred.status_code == 201, referred.text
    assert referred.json()["assistant_id"] == me

    posing = {"case_id": await feed.worker(occupations=("housekeeping",)), "vacancy_id": vacancy}
    refused = await placement_api.post("/referrals", json=posing | {"assistant_id": colleague}, headers=mine)
    assert (refused.status_code, refused.json()["error"]) == (403, "assistant_mismatch")
    assert body(await placement_api.get("/referrals", params={"case_id": posing["case_id"]})) == []
