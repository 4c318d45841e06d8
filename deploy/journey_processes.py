"""Composition roots of the workflow components: the bridge (intake's events to journeys and complaints) and
the Temporal worker. Only the process that hosts them loads the Temporal worker and the workflows."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
from temporalio.client import Client

from contracts.journey import TASK_QUEUE
from deploy.processes import Component, consume, run_until
from services.common.client_credentials import ClientCredentials
from services.common.ops import ReadinessCheck
from services.common.settings import ConsumerSettings, KitSettings, WorkerSettings
from services.common.temporal import connect, ensure_search_attributes
from workflows.activities import JourneyActivities
from workflows.bridge import CONSUMER_NAME, EventRouter, JourneyBridge
from workflows.complaint_bridge import ComplaintBridge, ComplaintCalendarSettings
from workflows.reconciler_activities import ReconcilerActivities, ReconcileRequest, ensure_schedule
from workflows.restructuring_activities import RestructuringActivities
from workflows.worker import build_worker

log = logging.getLogger(__name__)


async def connect_temporal(settings: KitSettings, stop: asyncio.Event) -> Client | None:
    """Connect to Temporal, retrying until it answers or the process is asked to stop."""
    delay = 0.5
    while not stop.is_set():
        try:
            return await connect(settings.temporal_address, settings.temporal_namespace)
        except RuntimeError:
            log.warning("Temporal not reachable yet", extra={"address": settings.temporal_address})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
    return None


def bridge(settings: ConsumerSettings) -> Component:
    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        client = await connect_temporal(settings, stop)
        if client is None:
            return
        calendar = ComplaintCalendarSettings()
        router = EventRouter(
            JourneyBridge(
                client,
                time_scale=settings.journey_time_scale,
                task_timeout=timedelta(seconds=settings.workflow_task_timeout_seconds),
            ),
            ComplaintBridge(
                client,
                task_queue=TASK_QUEUE,
                calendar=calendar.calendar(),
                time_scale=calendar.complaint_time_scale,
            ),
        )
        checks["temporal"] = _health(client)
        await consume(CONSUMER_NAME, router, settings, stop, checks, readiness=CONSUMER_NAME)

    return run


def worker(settings: WorkerSettings) -> Component:
    async def run(stop: asyncio.Event, checks: dict[str, ReadinessCheck]) -> None:
        client = await connect_temporal(settings, stop)
        if client is None:
            return
        await ensure_search_attributes(client, settings.temporal_namespace)
        timeout = httpx.Timeout(settings.activity_http_timeout_seconds)
        auth = ClientCredentials(
            settings.token_url, settings.client_id, settings.client_secret.get_secret_value()
        )
        intake = httpx.AsyncClient(base_url=settings.intake_url, timeout=timeout, auth=auth)
        placement = httpx.AsyncClient(base_url=settings.placement_url, timeout=timeout, auth=auth)
        complaints = httpx.AsyncClient(base_url=settings.complaints_url, timeout=timeout, auth=auth)
        benefits = httpx.AsyncClient(base_url=settings.benefits_url, timeout=timeout, auth=auth)
        try:
            temporal_worker = build_worker(
                client,
                JourneyActivities(intake=intake, placement=placement, benefits=benefits),
                ReconcilerActivities(client=client, intake=intake),
                RestructuringActivities(intake=intake),
                complaints,
                sticky_queue_timeout=timedelta(seconds=settings.sticky_queue_timeout_seconds),
            )
            await ensure_schedule(
                client,
                ReconcileRequest(time_scale=settings.journey_time_scale),
                timedelta(minutes=settings.reconcile_every_minutes),
            )

            async def ready() -> bool:
                return temporal_worker.is_running

            checks["worker"] = ready
            checks["temporal"] = _health(client)
            await run_until(stop, temporal_worker.run())
        finally:
            for http in (intake, placement, complaints, benefits):
                await http.aclose()

    return run


def _health(client: Client) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await client.service_client.check_health()

    return check
