"""Activities of `ComplaintResolution`: idempotent calls to the complaints service's REST API.

The workflow acts with the role `workflow`, which may read a complaint's progress (no details) and record
reminders, escalations and satisfaction checks on it, each under a key of the workflow's choosing.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.complaint_workflow import (
    ComplaintAction,
    ComplaintProgress,
    ProgressRequest,
    RecordComplaintAction,
)


class ComplaintActivities:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @activity.defn(name="record_complaint_action")
    async def record_action(self, request: RecordComplaintAction) -> ComplaintAction:
        """Record a reminder, escalation or satisfaction check; repeating the same key records it once."""
        response = await self.http.put(
            f"/complaints/{request.complaint_id}/actions/{request.action_key}",
            json=request.action.model_dump(mode="json"),
        )
        return ComplaintAction.model_validate(_body(response))

    @activity.defn(name="read_complaint_progress")
    async def read_progress(self, request: ProgressRequest) -> ComplaintProgress:
        response = await self.http.get(f"/complaints/{request.complaint_id}/progress")
        return ComplaintProgress.model_validate(_body(response))


def _body(response: httpx.Response) -> Any:
    """The JSON body; a 4xx fails the activity for good (retrying cannot help), anything else retries."""
    if response.is_success:
        return response.json()
    if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
        try:
            code = str(response.json().get("error", "client_error"))
        except ValueError:
            code = "client_error"
        raise ApplicationError(
            f"complaints service answered {response.status_code}: {response.text[:500]}",
            type=code,
            non_retryable=True,
        )
    raise ApplicationError(f"complaints service answered {response.status_code}", type="service_unavailable")


def complaint_activities(http: httpx.AsyncClient) -> list[Callable[..., Awaitable[Any]]]:
    """The activities to register on the worker, calling the service through `http`."""
    activities = ComplaintActivities(http)
    return [activities.record_action, activities.read_progress]
