"""What the console asks other services to do, over their HTTP APIs (never their databases).

The staff member's own token is passed on, so each service decides for itself what the caller may do.
"""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import Request

from services.console.exports import XLSX
from services.console.schemas import FollowUpForm


class ActionRefused(Exception):
    """The other service said no (4xx): its machine-readable `code`, and its `errors` (`{field, reason}`)."""

    def __init__(self, status: int, code: str, message: str, errors: tuple[dict[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.errors = errors


class ServiceUnavailable(Exception):
    """The other service could not be reached or failed (5xx)."""


@dataclass(frozen=True)
class StaffToken:
    access_token: str
    expires_in: int


def _refusal(response: httpx.Response) -> ActionRefused:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        return ActionRefused(response.status_code, "refused", "")
    listed = body.get("errors")
    errors = tuple(
        {"field": str(item.get("field", "")), "reason": str(item.get("reason", ""))}
        for item in (listed if isinstance(listed, list) else [])
        if isinstance(item, dict)
    )
    message = str(body.get("message") or body.get("error_description") or "")
    return ActionRefused(response.status_code, str(body.get("error", "refused")), message, errors)


def gateway_of(request: Request) -> "ServiceGateway":
    gateway: ServiceGateway = request.app.state.gateway
    return gateway


class ServiceGateway:
    """The identity, intake and placement APIs the console acts through."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        identity_url: str,
        intake_url: str,
        placement_url: str,
        import_timeout_seconds: float = 300.0,
    ):
        self.client = client
        self.import_timeout_seconds = import_timeout_seconds
        self.identity_url = identity_url.rstrip("/")
        self.intake_url = intake_url.rstrip("/")
        self.placement_url = placement_url.rstrip("/")

    async def _send(
        self,
        method: str,
        url: str,
        *,
        form: dict[str, str] | None = None,
        body: dict[str, object] | None = None,
        token: str | None = None,
        params: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            response = await self.client.request(
                method, url, data=form, json=body, headers=headers, params=params, files=files, **extra
            )
        except httpx.HTTPError as error:
            raise ServiceUnavailable(f"{method} {url}: {error}") from error
        if response.status_code >= 500:
            raise ServiceUnavailable(f"{method} {url}: {response.status_code}")
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    async def log_in(self, *, username: str, password: str) -> StaffToken:
        """The password grant at the identity service's token endpoint."""
        response = await self._send(
            "POST",
            f"{self.identity_url}/oauth2/token",
            form={"grant_type": "password", "username": username, "password": password},
        )
        body = response.json()
        return StaffToken(access_token=str(body["access_token"]), expires_in=int(body["expires_in"]))

    async def reassign(self, *, token: str, case_id: str, assistant_id: str) -> None:
        await self._send(
            "PUT",
            f"{self.intake_url}/workers/{case_id}/assistant",
            body={"assistant_id": assistant_id},
            token=token,
        )

    async def record_follow_up(self, *, token: str, task_key: str, outcome: FollowUpForm) -> None:
        await self._send(
            "POST",
            f"{self.placement_url}/follow-up-tasks/{task_key}/completion",
            body=outcome.model_dump(),
            token=token,
        )

    async def import_spreadsheet(
        self, *, token: str, path: str, filename: str, content: bytes, mode: str
    ) -> dict[str, Any]:
        """Hand a ledger or roster to intake (`path`, e.g. `/ledger/spreadsheet`); its import report back."""
        response = await self._send(
            "POST",
            f"{self.intake_url}{path}",
            token=token,
            params={"mode": mode},
            files={"file": (filename, content, XLSX)},
            timeout=self.import_timeout_seconds,
        )
        report: dict[str, Any] = response.json()
        return report

    async def intake_file(self, *, token: str, path: str, params: dict[str, str] | None = None) -> bytes:
        """A file intake writes for the caller (a template, the ledger of their cases)."""
        response = await self._send("GET", f"{self.intake_url}{path}", token=token, params=params)
        return response.content
