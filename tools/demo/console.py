"""The console's own records for the district: which street each community belongs to, and the leading
group's yearly targets per street and community, set through the console's API as the leading group would."""

from datetime import date

from tools.demo.api import Api
from tools.demo.district import District
from tools.demo.seeding import STAFF_PASSWORD, Admin, admin_token

LEADER = "demo-leader"
TARGET_SHARES = {
    "reemployed": 0.6,
    "trained": 0.35,
    "placed_4050": 0.2,
    "businesses_started": 0.06,
    "complaints_resolved": 0.05,
}
"""Each indicator's yearly target as a share of the district's workers."""


async def set_up_console(api: Api, district: District, admin: Admin, workers: int, today: date) -> None:
    """The leading group's login, the street of every community, and this year's targets."""
    administrator = await admin_token(api, admin)
    person = {"username": LEADER, "display_name": "区再就业领导小组", "role": "leading_group"}
    await api.call(
        "POST",
        "identity",
        "/admin/staff",
        json=person | {"password": STAFF_PASSWORD},
        token=administrator,
        expect=(201, 409),
    )
    login = {"grant_type": "password", "username": LEADER, "password": STAFF_PASSWORD}
    token: str = (await api.call("POST", "identity", "/oauth2/token", data=login))["access_token"]
    for community in district.communities:
        mapping = {"community_code": community.code, "street_code": community.street_code}
        await api.call("PUT", "console", "/api/communities", json=mapping, token=token)
    per_street = len(district.communities) // max(1, len(district.streets))
    for indicator, share in TARGET_SHARES.items():
        street_target = max(1, round(workers * share / len(district.streets)))
        areas = [("street", code, street_target) for code, _ in district.streets]
        areas += [
            ("community", community.code, max(1, round(street_target / max(1, per_street))))
            for community in district.communities
        ]
        for kind, code, target in areas:
            body = {"year": today.year, "area_kind": kind, "area_code": code, "indicator": indicator}
            await api.call("PUT", "console", "/api/targets", json=body | {"target": target}, token=token)
