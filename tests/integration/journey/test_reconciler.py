"""The reconciler on the real Temporal dev server: open cases with no running journey get one, once."""

import uuid

import httpx
from temporalio.client import Client

from contracts.journey import JourneyStage
from services.common.temporal import JourneyGateway, LazyTemporalClient, connect
from tests.factories import registration
from tests.http_checks import body
from tests.infrastructure import TemporalDevServer
from workflows.activities import JourneyActivities
from workflows.reconciler_activities import (
    RECONCILER_NAME,
    ReconcilerActivities,
    ReconcileReport,
    ReconcileRequest,
)
from workflows.restructuring_activities import RestructuringActivities
from workflows.worker import build_worker


async def reconcile(client: Client, queue: str) -> ReconcileReport:
    report: ReconcileReport = await client.execute_workflow(
        RECONCILER_NAME,
        ReconcileRequest(task_queue=queue),
        id=f"reconcile-{uuid.uuid4().hex[:8]}",
        task_queue=queue,
        result_type=ReconcileReport,
    )
    return report


async def test_open_cases_without_a_journey_get_one_and_only_once(
    intake_api: httpx.AsyncClient, temporal_server: TemporalDevServer
):
    cases = [body(await intake_api.post("/workers", json=registration()), 201)["case_id"] for _ in range(3)]
    closed = cases.pop()
    assert (
        await intake_api.post(f"/workers/{closed}/closure", json={"reason": "moved_away"})
    ).status_code == 200
    client = await connect(temporal_server.address, "default")
    queue = f"reconcile-{uuid.uuid4().hex[:8]}"
    worker = build_worker(
        client,
        JourneyActivities(intake=intake_api, placement=intake_api, benefits=intake_api),
        ReconcilerActivities(client=client, intake=intake_api),
        RestructuringActivities(intake=intake_api),
        httpx.AsyncClient(base_url="http://complaints.invalid"),
        task_queue=queue,
    )
    async with worker:
        first = await reconcile(client, queue)
        assert sorted(first.started) == sorted(cases)
        journeys = JourneyGateway(LazyTemporalClient(temporal_server.address, "default"))
        for case_id in cases:
            status = await journeys.status(case_id)
            assert status is not None and status.stage == JourneyStage.ASSESSMENT
        again = await reconcile(client, queue)
        assert again.started == []
