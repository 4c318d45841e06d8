"""The complaint activities' calls and how they fail: a 4xx is final, anything else is retried."""

import json

import httpx
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from contracts.complaint_workflow import (
    ActionKind,
    ComplaintActionRequest,
    DeadlineKind,
    ProgressRequest,
    RecordComplaintAction,
)
from workflows.complaint_activities import ComplaintActivities

REMINDER = RecordComplaintAction(
    complaint_id="c-1",
    action_key="acknowledgement-1-reminder",
    action=ComplaintActionRequest(
        kind=ActionKind.REMINDER,
        deadline_kind=DeadlineKind.ACKNOWLEDGEMENT,
        due_at="2026-12-10T00:00:00+08:00",
    ),
)


def activities(answer: httpx.Response, seen: list[httpx.Request]) -> ComplaintActivities:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://complaints")
    return ComplaintActivities(http)


async def test_recording_puts_the_action_under_its_key() -> None:
    seen: list[httpx.Request] = []
    recorded = {
        **REMINDER.action.model_dump(mode="json"),
        "action_key": REMINDER.action_key,
        "complaint_id": "c-1",
        "recorded_at": "2026-12-09T01:00:00Z",
    }
    action = await ActivityEnvironment().run(
        activities(httpx.Response(201, json=recorded), seen).record_action, REMINDER
    )
    assert action.action_key == "acknowledgement-1-reminder"
    [request] = seen
    assert (request.method, request.url.path) == ("PUT", "/complaints/c-1/actions/acknowledgement-1-reminder")
    assert "X-Reemploy-Role" not in request.headers, "who acts is the worker's client token, not a header"
    assert json.loads(request.content)["kind"] == "reminder"


async def test_a_refusal_is_final() -> None:
    refusal = httpx.Response(409, json={"error": "complaint_action_conflict", "message": "other content"})
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(activities(refusal, []).record_action, REMINDER)
    assert raised.value.non_retryable
    assert raised.value.type == "complaint_action_conflict"


@pytest.mark.parametrize("status", [500, 503, 429])
async def test_an_unavailable_service_is_retried(status: int) -> None:
    with pytest.raises(ApplicationError) as raised:
        await ActivityEnvironment().run(
            activities(httpx.Response(status, text="busy"), []).read_progress,
            ProgressRequest(complaint_id="c-1"),
        )
    assert not raised.value.non_retryable
