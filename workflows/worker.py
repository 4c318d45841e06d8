"""The Temporal worker: hosts the workflows and their activities on the journeys' task queue."""

from temporalio.client import Client
from temporalio.worker import Worker

from contracts.journey import TASK_QUEUE
from workflows.activities import JourneyActivities
from workflows.journey import ReemploymentJourney
from workflows.reconciler import JourneyReconciler
from workflows.reconciler_activities import ReconcilerActivities
from workflows.restructuring import RestructuringPlanWorkflow
from workflows.restructuring_activities import RestructuringActivities

WORKFLOWS = [ReemploymentJourney, JourneyReconciler, RestructuringPlanWorkflow]


def build_worker(
    client: Client,
    journey: JourneyActivities,
    reconciler: ReconcilerActivities,
    restructuring: RestructuringActivities,
    *,
    task_queue: str = TASK_QUEUE,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            journey.publish_journey_event,
            journey.create_follow_up_task,
            reconciler.start_missing_journeys,
            restructuring.remind_congress_vote,
            restructuring.take_in_roster,
        ],
    )
