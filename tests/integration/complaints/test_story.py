"""The issue's story, tried as a new user would: a worker files a wage-arrears complaint on a Friday before
a holiday; it is acknowledged late, so it escalates; it is referred to labour inspection, whose answer
closes it; the satisfaction check arrives a week later.

The API runs in this process; the workflow runs on the time-skipping server, its activities call the API, and
the service's outbox events reach it through `ComplaintBridge`.
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import httpx
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from contracts.complaint_workflow import ComplaintResolutionResult, WorkingCalendarSpec, complaint_workflow_id
from tests.http_checks import body
from tests.integration.complaints.conftest import (
    OFFICER,
    SUPERVISOR,
    WORKFLOW,
    OutboxReader,
    StationClock,
    agency,
    filing,
)
from tests.integration.complaints.workflow_harness import CST, HOLIDAY_MONDAY, TIME_SCALE
from workflows.complaint import ComplaintResolution
from workflows.complaint_activities import complaint_activities
from workflows.complaint_bridge import ComplaintBridge


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CST)


class Story:
    def __init__(
        self, env: WorkflowEnvironment, api: httpx.AsyncClient, outbox: OutboxReader, clock: StationClock
    ) -> None:
        self.env = env
        self.api = api
        self.outbox = outbox
        self.clock = clock
        self.task_queue = f"complaints-story-{uuid.uuid4()}"
        self.bridge = ComplaintBridge(
            env.client,
            task_queue=self.task_queue,
            calendar=WorkingCalendarSpec(public_holidays=(HOLIDAY_MONDAY,)),
            time_scale=TIME_SCALE,
        )
        self.opened_at = clock.now
        self.started: datetime | None = None

    async def deliver(self) -> list[str]:
        """Hand the events the service wrote since last time to the bridge, as the Kafka consumer would."""
        return [await self.bridge(envelope) for envelope in await self.outbox.new()]

    async def skip_to(self, moment: datetime) -> None:
        assert self.started is not None
        now = self.opened_at + (await self.env.get_current_time() - self.started) * TIME_SCALE
        await self.env.sleep((moment - now) / TIME_SCALE)
        self.clock.now = moment

    async def details(self, complaint_id: str) -> dict[str, Any]:
        response = await self.api.get(f"/complaints/{complaint_id}", headers=SUPERVISOR)
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def worker_for(story: Story, api: httpx.AsyncClient) -> AsyncIterator[None]:
    async with Worker(
        story.env.client,
        task_queue=story.task_queue,
        workflows=[ComplaintResolution],
        activities=complaint_activities(api),
    ):
        yield


async def test_wage_arrears_filed_on_a_friday_escalates_is_referred_closed_and_checked(
    time_skipping: WorkflowEnvironment,
    complaints_api: httpx.AsyncClient,
    workflow_http: httpx.AsyncClient,
    outbox: OutboxReader,
    station_clock: StationClock,
) -> None:
    station_clock.now = at(4, 16, 30)
    story = Story(time_skipping, complaints_api, outbox, station_clock)
    async with worker_for(story, workflow_http):
        filed = await complaints_api.post(
            "/complaints", json=filing(channel="station_walk_in"), headers=OFFICER
        )
        assert filed.status_code == 201
        complaint_id = filed.json()["complaint_id"]
        assert await story.deliver() == ["applied"]
        handle: WorkflowHandle[ComplaintResolution, ComplaintResolutionResult] = (
            time_skipping.client.get_workflow_handle(
                complaint_workflow_id(complaint_id), result_type=ComplaintResolutionResult
            )
        )
        story.started = (await handle.describe()).start_time

        await story.skip_to(at(8, 17))  # Monday was a holiday; Tuesday passes quietly
        assert (await story.details(complaint_id))["actions"] == []
        await story.skip_to(at(9, 9))
        [reminder] = (await story.details(complaint_id))["actions"]
        assert reminder["kind"] == "reminder"
        assert reminder["due_at"] == "2026-12-09T16:00:00Z"  # the end of Wednesday, station time

        await story.skip_to(at(10, 9))  # nobody acknowledged on Wednesday
        late = await story.details(complaint_id)
        assert late["escalation_level"] == "supervisor"
        assert [e.type for e in await outbox.new()] == ["complaints.complaint_escalated.v1"]
        escalated = await complaints_api.get("/complaints?escalation_level=supervisor", headers=SUPERVISOR)
        assert [c["complaint_id"] for c in body(escalated)["complaints"]] == [complaint_id]

        url = f"/complaints/{complaint_id}"
        watching = body(await complaints_api.get(f"{url}/deadlines", headers=OFFICER))
        assert watching["running"]["kind"] == "acknowledgement"
        assert watching["escalation_level"] == "supervisor"
        acknowledged = await complaints_api.post(
            f"{url}/acknowledgement", json={"officer_id": "officer-7"}, headers=OFFICER
        )
        assert acknowledged.status_code == 200
        assert await story.deliver() == ["applied"]
        await story.skip_to(at(10, 10))
        resolution = body(await complaints_api.get(f"{url}/deadlines", headers=OFFICER))["running"]
        assert resolution["kind"] == "resolution"
        assert datetime.fromisoformat(resolution["due_at"]) == at(22)  # 10 working days for unpaid wages
        extension = {"working_days": 2, "reason": "The employer's accountant is away until Monday"}
        by_officer = await complaints_api.post(f"{url}/deadline-extensions", json=extension, headers=OFFICER)
        assert by_officer.status_code == 403
        extended = await complaints_api.post(f"{url}/deadline-extensions", json=extension, headers=SUPERVISOR)
        assert datetime.fromisoformat(body(extended)["running"]["due_at"]) == at(24)
        await story.skip_to(at(10, 11))
        referred = await complaints_api.post(
            f"{url}/referral",
            json={"agency": "labour_inspection", "note": "Employer refuses to pay three months of wages"},
            headers=OFFICER,
        )
        assert referred.status_code == 200
        assert await story.deliver() == ["applied"]
        await story.skip_to(
            at(11, 9)
        )  # the labour bureau step of the acknowledgement deadline is long stopped

        waiting = await complaints_api.get(
            "/agencies/labour_inspection/referrals", headers=agency("labour_inspection")
        )
        assert [c["complaint_id"] for c in body(waiting)] == [complaint_id]
        seen_by_inspection = await complaints_api.get(url, headers=agency("labour_inspection"))
        assert body(seen_by_inspection)["narrative"].startswith("Three months of wages")
        await story.skip_to(at(17, 15))
        answered = await complaints_api.post(
            f"/agencies/labour_inspection/referrals/{complaint_id}/answer",
            json={"finding": "upheld", "answer": "Employer ordered to pay; wages paid on 17 December"},
            headers=agency("labour_inspection"),
        )
        assert body(answered)["status"] == "closed"
        assert await story.deliver() == ["applied", "applied"]
        too_late = await complaints_api.post(f"{url}/deadline-extensions", json=extension, headers=SUPERVISOR)
        assert too_late.status_code == 422
        assert too_late.json()["error"] == "deadline_extension_refused"
        assert "closed" in too_late.json()["errors"][0]["reason"]

        await story.skip_to(at(24, 9))
        result = await handle.result()
        assert result.acknowledged_late is True
        assert result.escalations == 1
        assert result.referrals == 1
        assert result.satisfaction_check_due_at == at(24)  # a week after closing, a Thursday
        closed = await story.details(complaint_id)
        assert [a["kind"] for a in closed["actions"]] == ["reminder", "escalation", "satisfaction_check"]

        satisfied = await complaints_api.post(
            f"{url}/satisfaction", json={"score": 5, "comment": "Got my wages"}, headers=OFFICER
        )
        assert body(satisfied)["satisfaction"]["score"] == 5

    everything = await outbox.all()
    assert [e.type.split(".")[1] for e in everything] == [
        "complaint_opened",
        "complaint_escalated",
        "complaint_status_changed",
        "complaint_status_changed",
        "complaint_status_changed",
        "complaint_closed",
    ]
    for envelope in everything:
        text = envelope.model_dump_json()
        assert (
            "宏达" not in text
            and "wages" not in text.replace("unpaid_wages", "")
            and "labour_inspection" not in text
        )
    assert {await story.bridge(envelope) for envelope in everything} <= {"duplicate", "ignored"}


async def test_the_workflow_never_reads_details(complaints_api: httpx.AsyncClient) -> None:
    complaint = body(await complaints_api.post("/complaints", json=filing(), headers=OFFICER), 201)
    url = f"/complaints/{complaint['complaint_id']}"
    as_workflow = await complaints_api.get(url, headers=WORKFLOW)
    assert (as_workflow.status_code, as_workflow.json()["error"]) == (403, "complaint_access_refused")
    assert (await complaints_api.get(f"{url}/progress", headers=WORKFLOW)).status_code == 200


async def test_deadlines_of_a_complaint_whose_workflow_does_not_run(
    complaints_api: httpx.AsyncClient,
) -> None:
    complaint = body(await complaints_api.post("/complaints", json=filing(), headers=OFFICER), 201)
    url = f"/complaints/{complaint['complaint_id']}"
    missing = await complaints_api.get(f"{url}/deadlines", headers=OFFICER)
    assert missing.status_code == 404
    assert missing.json()["error"] == "complaint_workflow_not_found"
    assert (
        await complaints_api.get(f"{url}/deadlines", headers=agency("labour_inspection"))
    ).status_code == 403
    bad = await complaints_api.post(
        f"{url}/deadline-extensions", json={"working_days": 0, "reason": ""}, headers=SUPERVISOR
    )
    assert {e["field"] for e in body(bad, 422)["errors"]} == {"working_days", "reason"}
