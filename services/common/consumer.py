"""The consumer loop: apply each event, retry a bounded number of times, dead-letter what still fails.

Offsets are committed only after every record of a batch was applied or dead-lettered, so a crash means
re-delivery (absorbed by the consumer's dedupe), never loss. Records with the same key (one case) are
applied in order; different keys are applied concurrently. A handler that applies batches (a service's
inbox) gets the polled records in transactions of up to `batch_size` events, in the order they were read;
when such a transaction fails, its events are applied one at a time, with retries and dead letters.

The loop also watches the group's committed offsets: when the broker no longer has what this consumer
committed (an in-memory broker restarted), it reads those partitions again from the start instead of
waiting at a position the new broker has not reached yet.
"""

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, Protocol, runtime_checkable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from contracts.envelope import Envelope
from contracts.topics import dead_letter_topic
from services.common import metrics
from services.common.logging import correlation_id

log = logging.getLogger(__name__)

Outcome = Literal["applied", "duplicate", "ignored"]
EventHandler = Callable[[Envelope], Awaitable[Outcome]]
"""Applies one event: "duplicate" when it was a repeat, "ignored" when the consumer has no use for it."""


@runtime_checkable
class AppliesBatches(Protocol):
    async def apply_batch(self, envelopes: Sequence[Envelope]) -> Sequence[Outcome]:
        """Apply the events in order, all or none of them: an error leaves nothing written."""
        ...


@runtime_checkable
class AppliesRuns(Protocol):
    async def apply_run(self, envelopes: Sequence[Envelope]) -> Sequence[Outcome]:
        """Apply one key's events in order, together where it can (one call for several). Safe to repeat:
        a run that fails part way is applied again, one event at a time, and the handler dedupes."""
        ...


class PermanentError(Exception):
    """An event that can never be applied as it is: dead-letter it without retrying."""


class DeadLetterSink(Protocol):
    async def send(
        self, record: ConsumerRecord[bytes, bytes], *, error: BaseException, attempts: int
    ) -> None: ...


class KafkaDeadLetters:
    """Publishes a failed record, unchanged, to `<consumer>.dlq` with the error in its headers."""

    def __init__(self, *, consumer: str, producer: AIOKafkaProducer) -> None:
        self.consumer = consumer
        self.topic = dead_letter_topic(consumer)
        self.producer = producer

    async def send(
        self, record: ConsumerRecord[bytes, bytes], *, error: BaseException, attempts: int
    ) -> None:
        headers = [
            ("error_type", type(error).__name__.encode()),
            ("error_message", str(error)[:2000].encode()),
            ("consumer", self.consumer.encode()),
            ("original_topic", record.topic.encode()),
            ("original_partition", str(record.partition).encode()),
            ("original_offset", str(record.offset).encode()),
            ("attempts", str(attempts).encode()),
        ]
        await self.producer.send_and_wait(self.topic, record.value, key=record.key, headers=headers)
        metrics.CONSUMER_DEAD_LETTERS.labels(self.consumer, record.topic).inc()


class EventConsumer:
    def __init__(
        self,
        *,
        name: str,
        consumer: AIOKafkaConsumer,
        handler: EventHandler,
        dead_letters: DeadLetterSink,
        max_attempts: int = 3,
        retry_backoff_seconds: float = 0.2,
        concurrency: int = 32,
        batch_size: int = 100,
        watch_seconds: float = 5.0,
    ) -> None:
        self.name = name
        self.consumer = consumer
        self.handler = handler
        self.dead_letters = dead_letters
        self.max_attempts = max_attempts
        self.retry_backoff_seconds = retry_backoff_seconds
        self._slots = asyncio.Semaphore(concurrency)
        self.batch_size = batch_size
        self.watch_seconds = watch_seconds
        self.committed_here: dict[TopicPartition, int] = {}
        self.ready = False

    async def run(self, stop: asyncio.Event) -> None:
        self.ready = True
        next_watch = time.monotonic() + self.watch_seconds
        while not stop.is_set():
            batches = await self.consumer.getmany(timeout_ms=1000, max_records=500)
            if batches:
                await self.process(batches)
            if time.monotonic() >= next_watch:
                await self.rewind_if_broker_lost_offsets()
                next_watch = time.monotonic() + self.watch_seconds

    async def rewind_if_broker_lost_offsets(self) -> list[TopicPartition]:
        """Seek back wherever the group's committed offset is behind what this consumer committed."""
        assigned = self.consumer.assignment()
        for partition in [p for p in self.committed_here if p not in assigned]:
            del self.committed_here[partition]
        return await self._rewind_where_offsets_were_lost(list(self.committed_here))

    async def _rewind_where_offsets_were_lost(
        self, partitions: Sequence[TopicPartition]
    ) -> list[TopicPartition]:
        rewound: list[TopicPartition] = []
        ours_by_partition = {p: ours for p in partitions if (ours := self.committed_here.get(p)) is not None}
        answers = await asyncio.gather(
            *(self.consumer.committed(partition) for partition in ours_by_partition), return_exceptions=True
        )
        for (partition, ours), theirs in zip(ours_by_partition.items(), answers, strict=True):
            if isinstance(theirs, KafkaError):
                log.warning("could not read committed offsets", exc_info=theirs)
                continue
            if isinstance(theirs, BaseException):
                raise theirs
            if theirs is not None and theirs >= ours:
                continue
            log.warning(
                "the broker lost this group's offsets; reading the partition again",
                extra={"topic": partition.topic, "partition": partition.partition, "committed": ours},
            )
            if theirs is None:
                await self.consumer.seek_to_beginning(partition)
            else:
                self.consumer.seek(partition, theirs)
            del self.committed_here[partition]
            rewound.append(partition)
        return rewound

    async def process(self, batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]) -> None:
        """Apply a fetched batch, then commit the offset after its last record, partition by partition.

        Before committing, the group's offsets are checked: a broker that restarted empty may already hold
        more records than this consumer's position, so records before that position were never read. Those
        partitions are read again from the start instead of committed past what was skipped.
        """
        polled = [record for records in batches.values() for record in records]
        if isinstance(self.handler, AppliesBatches):
            await self._apply_in_transactions(self.handler, polled)
        else:
            await self._apply_by_key(polled)
        offsets = {partition: records[-1].offset + 1 for partition, records in batches.items() if records}
        for partition in await self._rewind_where_offsets_were_lost(list(offsets)):
            del offsets[partition]
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
            self.committed_here.update(offsets)
        except KafkaError:
            log.warning("offset commit failed; the batch may be delivered again and deduped", exc_info=True)

    async def _apply_in_transactions(
        self, handler: AppliesBatches, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> None:
        readable = await self._readable(records)
        for start in range(0, len(readable), self.batch_size):
            chunk = readable[start : start + self.batch_size]
            started = time.perf_counter()
            try:
                outcomes = await handler.apply_batch([envelope for _, envelope in chunk])
            except Exception:
                log.warning(
                    "a batch failed as one transaction; applying its events one at a time",
                    exc_info=True,
                    extra={"events": len(chunk)},
                )
                await self._apply_by_key([record for record, _ in chunk])
                continue
            self._observe(outcomes, (time.perf_counter() - started) / len(chunk))

    async def _apply_by_key(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        """Apply one event at a time: in order within a key, keys concurrently."""
        by_key: dict[tuple[str, int, bytes | None], list[ConsumerRecord[bytes, bytes]]] = defaultdict(list)
        for record in records:
            by_key[(record.topic, record.partition, record.key)].append(record)
        await asyncio.gather(*(self._apply_in_order(keyed) for keyed in by_key.values()))

    async def _apply_in_order(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        async with self._slots:
            if isinstance(self.handler, AppliesRuns) and len(records) > 1:
                records = await self._apply_as_run(self.handler, records)
            for record in records:
                await self._apply(record)

    async def _apply_as_run(
        self, handler: AppliesRuns, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> Sequence[ConsumerRecord[bytes, bytes]]:
        """One key's events in one call; what is left to apply one at a time (all of them if it failed)."""
        readable = await self._readable(records)
        if not readable:
            return []
        token = correlation_id.set(readable[0][1].correlationid)
        started = time.perf_counter()
        try:
            outcomes = await handler.apply_run([envelope for _, envelope in readable])
        except Exception:
            log.warning(
                "a run of one key's events failed; applying them one at a time",
                exc_info=True,
                extra={"events": len(readable)},
            )
            return [record for record, _ in readable]
        finally:
            correlation_id.reset(token)
        self._observe(outcomes, (time.perf_counter() - started) / len(readable))
        return []

    async def _readable(
        self, records: Sequence[ConsumerRecord[bytes, bytes]]
    ) -> list[tuple[ConsumerRecord[bytes, bytes], Envelope]]:
        """The records that are envelopes, each with its envelope; the others are dead-lettered."""
        readable: list[tuple[ConsumerRecord[bytes, bytes], Envelope]] = []
        for record in records:
            envelope = await self._read(record)
            if envelope is not None:
                readable.append((record, envelope))
        return readable

    def _observe(self, outcomes: Sequence[Outcome], seconds_each: float) -> None:
        for outcome in outcomes:
            metrics.CONSUMER_HANDLE_SECONDS.labels(self.name).observe(seconds_each)
            metrics.CONSUMER_EVENTS.labels(self.name, outcome).inc()

    async def _read(self, record: ConsumerRecord[bytes, bytes]) -> Envelope | None:
        """The record's envelope, or None once a record that is not one was dead-lettered."""
        try:
            return Envelope.from_bytes(record.value or b"")
        except ValidationError as error:
            await self._dead_letter(record, error, attempts=1)
            return None

    async def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        envelope = await self._read(record)
        if envelope is None:
            return
        token = correlation_id.set(envelope.correlationid)
        try:
            await self._apply_with_retries(record, envelope)
        finally:
            correlation_id.reset(token)

    async def _apply_with_retries(self, record: ConsumerRecord[bytes, bytes], envelope: Envelope) -> None:
        for attempt in range(1, self.max_attempts + 1):
            started = time.perf_counter()
            try:
                outcome = await self.handler(envelope)
            except PermanentError as error:
                await self._dead_letter(record, error, attempts=attempt)
                return
            except Exception as error:
                if attempt == self.max_attempts:
                    await self._dead_letter(record, error, attempts=attempt)
                    return
                log.warning(
                    "event failed, retrying",
                    exc_info=True,
                    extra={"event_id": envelope.id, "event_type": envelope.type, "attempt": attempt},
                )
                await asyncio.sleep(self.retry_backoff_seconds * 2 ** (attempt - 1))
                continue
            metrics.CONSUMER_HANDLE_SECONDS.labels(self.name).observe(time.perf_counter() - started)
            metrics.CONSUMER_EVENTS.labels(self.name, outcome).inc()
            return

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], error: BaseException, *, attempts: int
    ) -> None:
        log.error(
            "event dead-lettered",
            extra=_describe(record) | {"error": repr(error), "attempts": attempts},
        )
        await self.dead_letters.send(record, error=error, attempts=attempts)
        metrics.CONSUMER_EVENTS.labels(self.name, "dead_lettered").inc()


def _describe(record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
    return {"topic": record.topic, "partition": record.partition, "offset": record.offset}
