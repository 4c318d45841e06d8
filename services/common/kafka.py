"""Kafka clients and topic administration, configured from settings."""

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError
from aiokafka.protocol.metadata import MetadataRequest

from contracts.topics import PARTITIONS
from services.common.settings import KAFKA_FETCH_MAX_WAIT_MS

log = logging.getLogger(__name__)

TOPIC_ALREADY_EXISTS = TopicAlreadyExistsError.errno


def producer(bootstrap: str, *, client_id: str) -> AIOKafkaProducer:
    """A producer that waits for every in-sync replica; batching is left to the caller."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        linger_ms=5,
        request_timeout_ms=15_000,
        retry_backoff_ms=200,
    )


def group_consumer(
    bootstrap: str,
    *,
    group_id: str,
    session_timeout_ms: int,
    topics: Iterable[str],
    assign_all_partitions: bool = False,
    fetch_max_wait_ms: int = KAFKA_FETCH_MAX_WAIT_MS,
) -> AIOKafkaConsumer:
    """A consumer that commits by hand and starts from the earliest offset when the group has none.

    With `assign_all_partitions` it takes every partition of its topics itself instead of joining the
    group, and still commits to the group: for a group that has one member, as in the embedded stack. A
    member that joins waits for the broker's initial rebalance delay (3 s on Tansu), and one that comes back
    after kill -9 also for its dead predecessor's session to expire (11 s in all, measured).

    `fetch_max_wait_ms` is how long the broker may hold a fetch that finds nothing new. Tansu answers such a
    fetch only when that wait runs out, not when a record arrives, so on it every hop between services adds
    half this wait on average (aiokafka's default of 500 ms made it 215 ms, measured).
    """
    topics = list(topics)
    consumer = AIOKafkaConsumer(
        *([] if assign_all_partitions else topics),
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=session_timeout_ms,
        heartbeat_interval_ms=max(500, session_timeout_ms // 3),
        max_poll_interval_ms=max(10_000, session_timeout_ms * 2),
        rebalance_timeout_ms=session_timeout_ms * 2,
        fetch_max_wait_ms=fetch_max_wait_ms,
    )
    if assign_all_partitions:
        consumer.assign(
            [TopicPartition(topic, partition) for topic in topics for partition in range(PARTITIONS)]
        )
    return consumer


async def ensure_topics(
    bootstrap: str, topics: Iterable[str], *, partitions: int = PARTITIONS, replication_factor: int = 1
) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="reemploy-topics")
    await admin.start()
    try:
        wanted = [
            NewTopic(name, num_partitions=partitions, replication_factor=replication_factor)
            for name in topics
        ]
        response = await admin.create_topics(wanted)
        created = []
        for name, error_code, *_ in response.topic_errors:
            if error_code == 0:
                created.append(name)
            elif error_code != TOPIC_ALREADY_EXISTS:
                raise RuntimeError(f"creating topic {name} failed with Kafka error {error_code}")
        if created:
            log.info("topics created", extra={"topics": created})
        return created
    finally:
        await admin.close()


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: str
    value: bytes


@dataclass(frozen=True)
class Landing:
    """Where the broker says a message landed."""

    topic: str
    partition: int
    offset: int


async def end_offsets(bootstrap: str, partitions: Iterable[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """The next offset to be written in each partition (a fresh, group-less client each call)."""
    wanted = [TopicPartition(topic, partition) for topic, partition in partitions]
    if not wanted:
        return {}
    client = AIOKafkaConsumer(bootstrap_servers=bootstrap, client_id="reemploy-offsets")
    try:
        await client.start()
        found = await client.end_offsets(wanted)
        return {(tp.topic, tp.partition): offset for tp, offset in found.items()}
    finally:
        await client.stop()


class KafkaPublisher:
    """Sends a batch of messages and reports where each landed; raises if any was not acknowledged."""

    def __init__(self, bootstrap: str, *, client_id: str) -> None:
        self.bootstrap = bootstrap
        self._producer = producer(bootstrap, client_id=client_id)

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[Landing]:
        pending = [
            await self._producer.send(message.topic, message.value, key=message.key.encode())
            for message in messages
        ]
        acknowledged = await asyncio.gather(*pending)
        return [Landing(ack.topic, ack.partition, ack.offset) for ack in acknowledged]

    async def end_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]:
        return await end_offsets(self.bootstrap, partitions)

    async def broker_id(self) -> str:
        """The cluster id of the broker answering now; the embedded broker gets a new one each start, so a
        change means it restarted and lost what it held (Apache Kafka keeps its id for good)."""
        client = self._producer.client
        node = client.get_random_node()
        if node is None:
            raise KafkaConnectionError("no broker known to ask for its cluster id")
        response = await client.send(node, MetadataRequest(topics=[], allow_auto_topic_creation=False))
        return str(response.cluster_id)
