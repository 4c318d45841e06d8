"""Temporal client connection and the read side of journeys that services use."""

import asyncio
from typing import TypeVar

from pydantic import BaseModel
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RetryConfig, RPCError, RPCStatusCode

from contracts.journey import (
    SEARCH_ATTRIBUTES,
    STATUS_QUERY,
    TIMELINE_QUERY,
    JourneyStatus,
    JourneyTimeline,
    UpdateOutcome,
    journey_id,
)

Answer = TypeVar("Answer", bound=BaseModel)


RETRIES = RetryConfig(max_interval_millis=1000, max_retries=30)
"""A call retries for up to 10 s as by default, but at least once a second (not 5 s apart), so a call made
while Temporal restarts goes through within a second of its return."""


async def connect(address: str, namespace: str) -> Client:
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter, retry_config=RETRIES
    )


async def ensure_search_attributes(client: Client, namespace: str) -> None:
    """Register the journeys' search attributes that the server does not know yet."""
    known = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    have = set(known.custom_attributes) | set(known.system_attributes)
    missing = {
        name: getattr(IndexedValueType, f"INDEXED_VALUE_TYPE_{_SNAKE[kind]}")
        for name, kind in SEARCH_ATTRIBUTES.items()
        if name not in have
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )


_SNAKE = {"Keyword": "KEYWORD", "KeywordList": "KEYWORD_LIST", "Text": "TEXT", "Int": "INT"}


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


class JourneyActionRefused(Exception):
    """The journey's update validator refused a caseworker action; the message says why."""


class JourneyUnavailable(Exception):
    """Temporal did not answer for the journey in time (or is unreachable)."""


class JourneyGateway:
    """Reads a worker's journey and sends it caseworker actions (Temporal queries and updates).

    Reads answer None when the journey does not exist (yet); `JourneyUnavailable` when Temporal is silent.
    """

    def __init__(self, temporal: LazyTemporalClient) -> None:
        self.temporal = temporal

    async def status(self, case_id: str) -> JourneyStatus | None:
        return await self._query(case_id, STATUS_QUERY, JourneyStatus)

    async def timeline(self, case_id: str) -> JourneyTimeline | None:
        return await self._query(case_id, TIMELINE_QUERY, JourneyTimeline)

    async def act(self, case_id: str, update: str, request: BaseModel) -> UpdateOutcome | None:
        """Run a caseworker action; raises `JourneyActionRefused` when the journey's rules refuse it."""
        handle = (await self._client()).get_workflow_handle(journey_id(case_id))
        try:
            outcome: UpdateOutcome = await handle.execute_update(update, request, result_type=UpdateOutcome)
        except WorkflowUpdateFailedError as failed:
            raise JourneyActionRefused(str(failed.cause or failed)) from failed
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise JourneyUnavailable(error.message) from error
        return outcome

    async def _client(self) -> Client:
        try:
            return await self.temporal.get()
        except RuntimeError as unreachable:
            raise JourneyUnavailable(str(unreachable)) from unreachable

    async def _query(self, case_id: str, query: str, result: type[Answer]) -> Answer | None:
        handle = (await self._client()).get_workflow_handle(journey_id(case_id))
        try:
            answer: Answer = await handle.query(query, result_type=result)
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return None
            raise JourneyUnavailable(error.message) from error
        return answer
