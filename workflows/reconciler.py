"""The reconciler: a scheduled workflow that finds open cases with no running journey and starts them.

A journey can be missing when its registration event was lost before the bridge saw it, or when a journey
failed or was terminated by an operator. The reconciler compares intake's open cases with the running
journeys (Temporal's visibility) and starts each missing one with the case's registration, as the bridge
would. It runs on a Temporal schedule (`journey-reconciler`) that the worker creates when it starts.
"""

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from workflows.reconciler_activities import (
        RECONCILER_NAME,
        ReconcilerActivities,
        ReconcileReport,
        ReconcileRequest,
    )


@workflow.defn(name=RECONCILER_NAME)
class JourneyReconciler:
    @workflow.run
    async def run(self, request: ReconcileRequest) -> ReconcileReport:
        report: ReconcileReport = await workflow.execute_activity_method(
            ReconcilerActivities.start_missing_journeys,
            request,
            start_to_close_timeout=timedelta(minutes=30),
            heartbeat_timeout=timedelta(minutes=2),
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        return report
