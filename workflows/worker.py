"""The Temporal worker: hosts the workflows and their activities on the journeys' task queue."""

from temporalio.client import Client
from temporalio.worker import Worker

from contracts.journey import TASK_QUEUE
from workflows.activities import JourneyActivities
from workflows.journey import ReemploymentJourney

WORKFLOWS = [ReemploymentJourney]


def build_worker(client: Client, activities: JourneyActivities, *, task_queue: str = TASK_QUEUE) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[activities.publish_journey_event, activities.create_follow_up_task],
    )
