"""The reconciler's activity and schedule: compare intake's open cases with the running journeys."""

import contextlib
from datetime import UTC, datetime, timedelta

import httpx
from pydantic import BaseModel
from temporalio import activity
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts.journey import (
    EVENT_SIGNAL,
    TASK_QUEUE,
    WORKFLOW_NAME,
    JourneyEvent,
    JourneyInput,
    journey_id,
)
from workflows.activities import acting_for

RECONCILER_NAME = "JourneyReconciler"
SCHEDULE_ID = "journey-reconciler"
PAGE_SIZE = 200


class ReconcileRequest(BaseModel):
    task_queue: str = TASK_QUEUE
    time_scale: float = 1.0


class ReconcileReport(BaseModel):
    open_cases: int
    running_journeys: int
    started: list[str]


class ReconcilerActivities:
    def __init__(self, *, client: Client, intake: httpx.AsyncClient) -> None:
        self.client = client
        self.intake = intake

    @activity.defn(name="start_missing_journeys")
    async def start_missing_journeys(self, request: ReconcileRequest) -> ReconcileReport:
        running = await self._running_journeys()
        started: list[str] = []
        open_cases = 0
        cursor: str | None = None
        while True:
            params: dict[str, str | int] = {"status": "open", "sort": "registered", "limit": PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            response = await self.intake.get(
                "/workers", params=params, headers=acting_for("finding open cases without a journey")
            )
            response.raise_for_status()
            page = response.json()
            for case in page["items"]:
                open_cases += 1
                if journey_id(case["case_id"]) not in running and await self._start(case, request):
                    started.append(case["case_id"])
            activity.heartbeat(open_cases)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        return ReconcileReport(open_cases=open_cases, running_journeys=len(running), started=started)

    async def _running_journeys(self) -> set[str]:
        query = f"WorkflowType = '{WORKFLOW_NAME}' AND ExecutionStatus = 'Running'"
        return {execution.id async for execution in self.client.list_workflows(query)}

    async def _start(self, case: dict[str, object], request: ReconcileRequest) -> bool:
        """Start the case's journey unless one is running after all (visibility lags a little)."""
        case_id = str(case["case_id"])
        registration = JourneyEvent(
            event_id=f"reconciled-{case_id}",
            event_type="intake.worker_registered.v1",
            occurred_at=datetime.now(UTC),
            data={
                "case_id": case_id,
                "community_code": case["community_code"],
                "layoff_date": case["layoff_date"],
                "layoff_reason": case["layoff_reason"],
                "registered_at": case["registered_at"],
                "hardship_flags": case.get("hardship_flags", []),
            },
        )
        try:
            await self.client.start_workflow(
                WORKFLOW_NAME,
                JourneyInput(case_id=case_id, time_scale=request.time_scale),
                id=journey_id(case_id),
                task_queue=request.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
                start_signal=EVENT_SIGNAL,
                start_signal_args=[registration],
            )
        except WorkflowAlreadyStartedError:
            return False
        activity.logger.info("started a missing journey", extra={"case_id": case_id})
        return True


async def ensure_schedule(client: Client, request: ReconcileRequest, every: timedelta) -> None:
    """Create the reconciler's schedule unless it exists (several workers may start at once)."""
    try:
        await client.get_schedule_handle(SCHEDULE_ID).describe()
        return
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(
            RECONCILER_NAME, request, id=SCHEDULE_ID, task_queue=request.task_queue
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
    )
    with contextlib.suppress(ScheduleAlreadyRunningError):
        await client.create_schedule(SCHEDULE_ID, schedule)
