"""Temporal client connection and the read side of journeys that services use."""

import asyncio

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode

from contracts.journey import STATUS_QUERY, JourneyStatus, journey_id


async def connect(address: str, namespace: str) -> Client:
    return await Client.connect(address, namespace=namespace, data_converter=pydantic_data_converter)


class LazyTemporalClient:
    """Connects on first use and keeps the connection; a process can start before Temporal is up."""

    def __init__(self, address: str, namespace: str) -> None:
        self.address = address
        self.namespace = namespace
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Client:
        async with self._lock:
            if self._client is None:
                self._client = await connect(self.address, self.namespace)
            return self._client

    async def is_reachable(self) -> bool:
        client = await self.get()
        return await client.service_client.check_health()


class JourneyStatusReader:
    """Asks a worker's journey workflow for its status; None when it does not exist (yet)."""

    def __init__(self, temporal: LazyTemporalClient) -> None:
        self.temporal = temporal

    async def status(self, case_id: str) -> JourneyStatus | None:
        client = await self.temporal.get()
        handle = client.get_workflow_handle(journey_id(case_id))
        try:
            status: JourneyStatus = await handle.query(STATUS_QUERY, result_type=JourneyStatus)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise
        return status
