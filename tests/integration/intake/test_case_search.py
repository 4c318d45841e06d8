"""Case search on SQLite and PostgreSQL: filters combine, sort orders hold, pages neither skip nor repeat."""

from datetime import date

import pytest

from tests.factories import assistant, registration, resident_id_number
from tests.http_checks import body
from tests.integration.intake.support import staff


@pytest.fixture
def intake_api(supervisor_api):
    """A supervisor of the whole district registers and searches every community's cases."""
    return supervisor_api


@pytest.fixture
async def district(intake_api, admin_api) -> dict:
    """Two streets, three communities, 12 workers with varied layoffs and flags."""
    await admin_api.post(
        "/communities", json={"community_code": "ZS-02", "street_code": "ZS", "name": "红旗社区"}
    )
    await admin_api.post("/streets", json={"street_code": "HP", "name": "和平街道"})
    await admin_api.post(
        "/communities", json={"community_code": "HP-01", "street_code": "HP", "name": "和平社区"}
    )
    helper = body(await admin_api.post("/assistants", json=assistant(capacity=5)), 201)["assistant_id"]
    cases = []
    for n in range(12):
        community = ["ZS-01", "ZS-02", "HP-01"][n % 3]
        older_man = n % 4 == 0
        number = resident_id_number(birth=date(1970 if older_man else 1992, 5, 1), male=older_man)
        payload = registration(
            resident_id=number,
            community_code=community,
            layoff_date=f"2026-{(n % 9) + 1:02d}-15",
            layoff_reason="bankruptcy" if n % 2 else "restructuring",
        )
        cases.append(body(await intake_api.post("/workers", json=payload), 201))
    return {"cases": cases, "assistant_id": helper}


async def listed(api, **params) -> list[dict]:
    response = await api.get("/workers", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_filters_combine(intake_api, district):
    cases = district["cases"]
    by_street = await listed(intake_api, street_code="ZS", limit=200)
    assert {c["community_code"] for c in by_street} == {"ZS-01", "ZS-02"} and len(by_street) == 8
    flagged = await listed(intake_api, hardship_flag="aged_4050", limit=200)
    assert {c["case_id"] for c in flagged} == {
        c["case_id"] for c in cases if "aged_4050" in c["hardship_flags"]
    }
    assert len(flagged) == 3
    combined = await listed(
        intake_api,
        community_code="HP-01",
        layoff_reason="bankruptcy",
        layoff_from="2026-01-01",
        layoff_to="2026-06-30",
    )
    expected = {
        c["case_id"]
        for c in cases
        if c["community_code"] == "HP-01"
        and c["layoff_reason"] == "bankruptcy"
        and c["layoff_date"] <= "2026-06-30"
    }
    assert {c["case_id"] for c in combined} == expected
    assigned = await listed(intake_api, assistant_id=district["assistant_id"], limit=200)
    assert len(assigned) == 5
    assert await listed(intake_api, status="closed") == []


async def test_pages_cover_every_case_once_in_order(intake_api, district):
    for sort, key, reverse in [
        ("-registered", "case_id", True),
        ("registered", "case_id", False),
        ("layoff_date", "layoff_date", False),
        ("-layoff_date", "layoff_date", True),
    ]:
        seen, cursor = [], None
        while True:
            params = {"sort": sort, "limit": 5} | ({"cursor": cursor} if cursor else {})
            page = body(await intake_api.get("/workers", params=params))
            seen += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == 12 and len({c["case_id"] for c in seen}) == 12
        keys = [(c[key], c["case_id"]) for c in seen]
        assert keys == sorted(keys, reverse=reverse), sort


async def test_bad_queries_name_the_parameter(intake_api, district):
    for params, field in [
        ({"hardship_flag": "rich"}, "query.hardship_flag"),
        ({"limit": 1000}, "query.limit"),
        ({"layoff_from": "yesterday"}, "query.layoff_from"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"nonsense": "1"}, "query.nonsense"),
    ]:
        response = await intake_api.get("/workers", params=params)
        assert response.status_code == 422, params
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    page = body(await intake_api.get("/workers", params={"sort": "layoff_date", "limit": 2}))
    other = await intake_api.get("/workers", params={"sort": "-registered", "cursor": page["next_cursor"]})
    assert other.status_code == 422


async def every_page(api, **params) -> list[dict]:
    seen, cursor = [], None
    while True:
        page = await api.get("/workers", params=params | ({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return seen


async def test_a_caller_lists_only_the_cases_they_reach_page_after_page(intake, district):
    cases = district["cases"]
    in_community = {c["case_id"] for c in cases if c["community_code"] == "ZS-01"}
    mine = await every_page(intake.assistant, limit=1)
    assert {c["case_id"] for c in mine} == in_community and len(mine) == len(in_community) == 4
    first_page = body(await intake.assistant.get("/workers", params={"limit": 4}))
    assert len(first_page["items"]) == 4 and first_page["next_cursor"] is None, "filtered before paging"
    assert await listed(intake.assistant, community_code="HP-01") == []

    async with intake.caller(staff("supervisor", street_code="HP")) as street_supervisor:
        on_street = await every_page(street_supervisor, limit=3)
        refused = await street_supervisor.get(f"/workers/{next(iter(in_community))}")
    assert {c["case_id"] for c in on_street} == {
        c["case_id"] for c in cases if c["community_code"] == "HP-01"
    }
    assert refused.status_code == 403 and refused.json()["error"] == "case_out_of_reach"
