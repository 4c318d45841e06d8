"""The Temporal worker: hosts every workflow (journeys, reconciler, restructuring plans, complaints) and their
activities on one task queue."""

from datetime import timedelta

import httpx
from temporalio.client import Client
from temporalio.worker import Worker

from contracts.journey import TASK_QUEUE
from workflows.activities import JourneyActivities
from workflows.complaint import COMPLAINT_WORKFLOWS
from workflows.complaint_activities import complaint_activities
from workflows.journey import ReemploymentJourney
from workflows.reconciler import JourneyReconciler
from workflows.reconciler_activities import ReconcilerActivities
from workflows.restructuring import RestructuringPlanWorkflow
from workflows.restructuring_activities import RestructuringActivities

WORKFLOWS = [ReemploymentJourney, JourneyReconciler, RestructuringPlanWorkflow, *COMPLAINT_WORKFLOWS]


def build_worker(
    client: Client,
    journey: JourneyActivities,
    reconciler: ReconcilerActivities,
    restructuring: RestructuringActivities,
    complaints: httpx.AsyncClient,
    *,
    task_queue: str = TASK_QUEUE,
    sticky_queue_timeout: timedelta = timedelta(seconds=10),
) -> Worker:
    """`sticky_queue_timeout`: how long a workflow task waits for the worker that has the workflow cached
    before any worker may take it; after kill -9 that worker never comes, so every one of its workflows
    waits this long once."""
    return Worker(
        client,
        task_queue=task_queue,
        sticky_queue_schedule_to_start_timeout=sticky_queue_timeout,
        workflows=WORKFLOWS,
        activities=[
            journey.publish_journey_event,
            journey.create_follow_up_task,
            journey.cancel_follow_up_task,
            journey.apply_for_policy_support,
            reconciler.start_missing_journeys,
            restructuring.remind_congress_vote,
            restructuring.take_in_roster,
            *complaint_activities(complaints),
        ],
    )
