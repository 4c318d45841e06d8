"""The console's authorization matrix: only the login form is open; every page wants a staff session and
opens for the roles that work there; the JSON API wants a bearer token with its scope."""

import httpx
import pytest

from services.console.domain import Page, Role
from services.console.staff import SESSION_COOKIE
from tests.authz import concrete, protected_routes
from tests.integration.console.staff_tokens import StaffTokens

OPEN_ROUTES = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}
"""The login form, logging in, and logging out (which only clears the session cookie)."""

PAGE_ROUTES = {
    ("GET", "/caseload"): Page.CASELOAD,
    ("GET", "/cases/{case_id}"): Page.CASE,
    ("GET", "/supervisor"): Page.SUPERVISOR,
    ("GET", "/targets"): Page.TARGETS,
    ("GET", "/outcomes"): Page.OUTCOMES,
    ("GET", "/caseload.xlsx"): Page.CASELOAD,
    ("GET", "/targets.xlsx"): Page.TARGETS,
    ("GET", "/reports/monthly.pdf"): Page.TARGETS,
    ("GET", "/outcomes.xlsx"): Page.OUTCOMES,
    ("GET", "/uploads"): Page.UPLOADS,
    ("GET", "/uploads/{upload_id}"): Page.UPLOADS,
}
PAGES_OPEN_TO = {
    Role.LABOUR_ASSISTANT: {Page.CASELOAD, Page.CASE, Page.UPLOADS},
    Role.SUPERVISOR: {Page.SUPERVISOR, Page.CASELOAD, Page.CASE, Page.TARGETS, Page.OUTCOMES, Page.UPLOADS},
    Role.RIGHTS_OFFICER: {Page.CASE},
    Role.LEADING_GROUP: {Page.TARGETS, Page.OUTCOMES},
    Role.ADMIN: set(),
}
"""The specification, written out here rather than read from the code it checks."""
INTAKE_PAGE_ROUTES = {
    ("GET", "/ledger.xlsx"): Page.CASELOAD,
    ("GET", "/uploads/{kind}-template.xlsx"): Page.UPLOADS,
    ("POST", "/uploads"): Page.UPLOADS,
    ("POST", "/uploads/{upload_id}/confirmation"): Page.UPLOADS,
}
"""Pages that fetch from or hand to intake with the staff member's token: the role is checked first (intake
is not running here, so an allowed role meets 503, or 404/415/422 where the console refuses on its own)."""
SESSION_ROUTES = {("GET", "/"), ("GET", "/live")}
"""The home redirect and the live stream: any staff session, each role sees its own."""
FORM_ROUTES = {
    ("POST", "/cases/{case_id}/reassignment"),
    ("POST", "/follow-ups/{task_key}/completion"),
    ("POST", "/targets"),
    ("POST", "/communities"),
}
"""Forms act through the services with the staff member's own token, which decides there."""
API_ROUTES = {
    ("PUT", "/api/targets"): "targets:manage",
    ("PUT", "/api/communities"): "targets:manage",
    ("GET", "/api/target-assessment"): "targets:read",
    ("GET", "/api/exports/targets.xlsx"): "targets:read",
    ("GET", "/api/exports/outcomes.xlsx"): "targets:read",
    ("GET", "/api/reports/monthly.pdf"): "targets:read",
}


def session(tokens: StaffTokens, role: Role) -> dict[str, str]:
    return {SESSION_COOKIE: tokens.token(role.value, community_code="ZS-01")}


def test_the_table_names_every_route(console: httpx.AsyncClient) -> None:
    app = console._transport.app  # type: ignore[attr-defined]
    named = (
        OPEN_ROUTES
        | set(PAGE_ROUTES)
        | set(INTAKE_PAGE_ROUTES)
        | SESSION_ROUTES
        | FORM_ROUTES
        | set(API_ROUTES)
    )
    assert set(protected_routes(app)) | OPEN_ROUTES == named


async def test_without_a_session_every_page_and_form_leads_to_the_login(console: httpx.AsyncClient) -> None:
    for method, path in set(PAGE_ROUTES) | set(INTAKE_PAGE_ROUTES) | SESSION_ROUTES | FORM_ROUTES:
        response = await console.request(method, concrete(path), follow_redirects=False)
        assert response.status_code in (303, 401), (method, path, response.status_code)
        if response.status_code == 303:
            assert response.headers["location"].startswith("/login"), (method, path)


async def test_a_forged_session_is_no_session(console: httpx.AsyncClient) -> None:
    forger = StaffTokens()
    console.cookies.set(SESSION_COOKIE, forger.token("supervisor"))
    for method, path in PAGE_ROUTES:
        response = await console.request(method, concrete(path), follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_opens_exactly_its_pages(
    console: httpx.AsyncClient, tokens: StaffTokens, role: Role
) -> None:
    console.cookies.update(session(tokens, role))
    for (method, path), page in PAGE_ROUTES.items():
        response = await console.request(method, concrete(path), follow_redirects=False)
        if page in PAGES_OPEN_TO[role]:
            assert response.status_code in (200, 404), (role, path, response.status_code)
        else:
            assert response.status_code == 403, (role, path, response.status_code)
    for (method, path), page in INTAKE_PAGE_ROUTES.items():
        response = await console.request(method, concrete(path, {"kind": "ledger"}), follow_redirects=False)
        if page in PAGES_OPEN_TO[role]:
            assert response.status_code in (404, 415, 422, 503), (role, path, response.status_code)
        else:
            assert response.status_code == 403, (role, path, response.status_code)


async def test_the_api_wants_a_bearer_token_with_its_scope(
    console: httpx.AsyncClient, tokens: StaffTokens
) -> None:
    bodies = {
        "/api/targets": {
            "year": 2026,
            "area_kind": "street",
            "area_code": "ZS",
            "indicator": "trained",
            "target": 1,
        },
        "/api/communities": {"community_code": "ZS-01", "street_code": "ZS"},
    }
    for (method, path), scope in API_ROUTES.items():
        params = {"year": "2026"}
        body = bodies.get(path)
        missing = await console.request(method, path, params=params, json=body)
        assert missing.status_code == 401 and missing.json()["error"] == "missing_token", path
        without = tokens.token("labour_assistant", scope="dashboard:read")
        refused = await console.request(
            method, path, params=params, json=body, headers={"authorization": f"Bearer {without}"}
        )
        assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope", path
        holder = tokens.token("leading_group", scope=scope)
        allowed = await console.request(
            method, path, params=params, json=body, headers={"authorization": f"Bearer {holder}"}
        )
        assert allowed.status_code == 200, (path, allowed.text)
