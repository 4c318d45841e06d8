"""The Temporal worker: hosts the journey workflow on its task queue."""

from temporalio.client import Client
from temporalio.worker import Worker

from contracts.journey import TASK_QUEUE
from workflows.journey import ReemploymentJourney

WORKFLOWS = [ReemploymentJourney]


def build_worker(client: Client, *, task_queue: str = TASK_QUEUE) -> Worker:
    return Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=[])
