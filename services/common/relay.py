"""The outbox relay: publishes committed outbox rows to Kafka in order, in batches, with backoff.

A row is marked published only after the broker acknowledged it, so a relay that dies between publishing
and marking publishes the row again and consumers absorb the repeat. The relay also notices when a broker
lost messages it had acknowledged (an embedded broker restarted: partition offsets went backwards) and
queues the rows of that lost broker epoch, within the replay window, for publishing again.

Given the broker's identity (`broker_id`: the embedded broker gets a new cluster id each start), the relay
knows for certain rather than by offsets: before each batch it asks who the broker is, and a new one means
the epoch was lost. A batch is marked only if the broker that acknowledged it still answers after the
acknowledgements, so a batch the old broker acknowledged just before it died is never recorded as published
to its successor. The relay asks just before the marking transaction, not inside it: on SQLite the
process's one connection would otherwise wait a broker round trip, and every request with it. A broker lost
between that answer and the commit loses the batch with its epoch, whose rows the next question queues
again.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import ColumnElement, Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.common import metrics
from services.common.kafka import Landing, OutgoingMessage
from services.common.outbox import outbox_bell

log = logging.getLogger(__name__)


class Publisher(Protocol):
    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[Landing]: ...

    async def end_offsets(self, partitions: Sequence[tuple[str, int]]) -> dict[tuple[str, int], int]: ...


@dataclass(frozen=True)
class PendingEvent:
    seq: int
    topic: str
    key: str
    payload: str


@dataclass(frozen=True)
class RelayTuning:
    batch_size: int = 500
    idle_poll_seconds: float = 0.05
    max_idle_poll_seconds: float = 1.0
    max_backoff_seconds: float = 5.0
    watch_seconds: float = 5.0
    metrics_seconds: float = 1.0
    replay_window: timedelta = timedelta(days=1)


class Relay:
    def __init__(
        self,
        *,
        service: str,
        outbox: Table,
        sessions: async_sessionmaker[AsyncSession],
        publisher: Publisher,
        tuning: RelayTuning | None = None,
        broker_id: Callable[[], Awaitable[str]] | None = None,
    ) -> None:
        self.service = service
        self.outbox = outbox
        self.sessions = sessions
        self.publisher = publisher
        self.tuning = tuning or RelayTuning()
        self.broker_id = broker_id
        self.broker: str | None = None
        """The identity of the broker this epoch's rows went to, once asked (with `broker_id`)."""
        self.broker_epoch = 0
        self.high_water: dict[tuple[str, int], int] = {}
        self.seen_ends: dict[tuple[str, int], int] = {}
        self.ready = False
        self._epoch_lock = asyncio.Lock()
        self._metrics_due = 0.0

    async def load_state(self) -> None:
        """Resume the broker epoch and the highest offsets seen in it from the outbox itself."""
        table = self.outbox
        async with self.sessions() as session:
            epoch = await session.scalar(select(func.max(table.c.broker_epoch)))
            self.broker_epoch = epoch or 0
            rows = await session.execute(
                select(table.c.topic, table.c.kafka_partition, func.max(table.c.kafka_offset))
                .where(table.c.broker_epoch == self.broker_epoch)
                .group_by(table.c.topic, table.c.kafka_partition)
            )
            self.high_water = {(topic, partition): offset for topic, partition, offset in rows}

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until stopped. Woken at once by a commit of an outbox row in this process (the compact
        layout); otherwise it polls, less often the longer the outbox stays empty."""
        await self.load_state()
        self.ready = True
        watcher = asyncio.create_task(self._watch_broker(stop))
        backoff = 0.0
        idle_wait = self.tuning.idle_poll_seconds
        try:
            with outbox_bell(self.outbox) as bell:
                while not stop.is_set():
                    try:
                        published = await self.publish_pending()
                        backoff = 0.0
                    except Exception:
                        metrics.OUTBOX_PUBLISH_FAILURES.labels(self.service).inc()
                        backoff = min(self.tuning.max_backoff_seconds, max(0.1, backoff * 2))
                        log.warning("publishing failed, retrying", exc_info=True, extra={"backoff": backoff})
                        await _sleep_unless(stop, backoff)
                        continue
                    if published >= self.tuning.batch_size:
                        continue
                    idle_wait = self.tuning.idle_poll_seconds if published else idle_wait
                    if not await bell.wait(stop, idle_wait):
                        idle_wait = min(self.tuning.max_idle_poll_seconds, idle_wait * 2)
        finally:
            watcher.cancel()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows and mark them; returns how many were published."""
        rows = await self.next_batch()
        if rows and await self.follow_broker():
            rows = await self.next_batch()
        if rows:
            epoch, broker = self.broker_epoch, self.broker
            landings = await self.publish_rows(rows)
            if await self.mark_published(rows, landings, published_in_epoch=epoch, broker=broker):
                metrics.OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        if time.monotonic() >= self._metrics_due:
            await self._update_backlog_metrics()
            self._metrics_due = time.monotonic() + self.tuning.metrics_seconds
        return len(rows)

    async def publish_rows(self, rows: Sequence[PendingEvent]) -> list[Landing]:
        messages = [OutgoingMessage(topic=r.topic, key=r.key, value=r.payload.encode()) for r in rows]
        return await self.publisher.publish(messages)

    async def follow_broker(self) -> bool:
        """Ask who the broker is; True when it is not the one this epoch was published to, whose rows are
        then queued again (read the batch again: they come before it in the outbox's order)."""
        if self.broker_id is None:
            return False
        broker = await self.broker_id()
        async with self._epoch_lock:
            replaced = self.broker is not None and broker != self.broker
            if replaced:
                async with self.sessions.begin() as session:
                    await self._requeue_lost_epoch(session, reason="broker_lost_messages")
            self.broker = broker
        return replaced

    async def mark_published(
        self,
        rows: Sequence[PendingEvent],
        landings: Sequence[Landing],
        *,
        published_in_epoch: int,
        broker: str | None = None,
    ) -> bool:
        """Record where the rows landed; False, leaving them unpublished, when the broker they were
        published to was found lost while they were in flight: its acknowledgements mean nothing now."""
        try:
            return await self._mark(rows, landings, published_in_epoch=published_in_epoch, broker=broker)
        except _BrokerReplaced:
            log.warning("the broker changed while a batch was in flight; publishing it again")
            return False

    async def _mark(
        self,
        rows: Sequence[PendingEvent],
        landings: Sequence[Landing],
        *,
        published_in_epoch: int,
        broker: str | None,
    ) -> bool:
        table = self.outbox
        async with self._epoch_lock:
            if broker is not None and self.broker_id is not None and await self.broker_id() != broker:
                raise _BrokerReplaced
            async with self.sessions.begin() as session:
                if self.broker_epoch != published_in_epoch:
                    log.warning("a batch was published to a broker since lost; publishing it again")
                    return False
                if self._offsets_went_backwards(landings):
                    await self._requeue_lost_epoch(session, reason="broker_lost_messages")
                await session.execute(
                    update(table)
                    .where(table.c.seq == bindparam("row_seq"))
                    .values(
                        published_at=datetime.now(UTC),
                        broker_epoch=self.broker_epoch,
                        kafka_partition=bindparam("row_partition"),
                        kafka_offset=bindparam("row_offset"),
                    ),
                    [
                        {"row_seq": row.seq, "row_partition": landing.partition, "row_offset": landing.offset}
                        for row, landing in zip(rows, landings, strict=True)
                    ],
                    execution_options={"synchronize_session": False},
                )
            for landing in landings:
                place = (landing.topic, landing.partition)
                self.high_water[place] = max(self.high_water.get(place, -1), landing.offset)
            return True

    async def check_broker(self) -> bool:
        """Watch the broker's end offsets; if any went backwards, the broker lost messages: requeue them.

        Only the direction is trusted, not the value: the embedded broker reports the end of a batched
        partition as the last batch's base offset plus one, below the offsets it acknowledged.
        """
        async with self._epoch_lock:
            places = set(self.high_water) | set(self.seen_ends)
            if not places:
                return False
            ends = await self.publisher.end_offsets(sorted(places))
            lost = any(ends.get(place, 0) < seen for place, seen in self.seen_ends.items())
            if lost:
                async with self.sessions.begin() as session:
                    await self._requeue_lost_epoch(session, reason="broker_lost_messages")
            else:
                self.seen_ends = ends
            return lost

    def _offsets_went_backwards(self, landings: Sequence[Landing]) -> bool:
        return any(
            landing.offset <= self.high_water.get((landing.topic, landing.partition), -1)
            for landing in landings
        )

    async def _requeue_lost_epoch(self, session: AsyncSession, *, reason: str) -> None:
        table = self.outbox
        lost_epoch = self.broker_epoch
        since = datetime.now(UTC) - self.tuning.replay_window
        result = await session.execute(
            update(table)
            .where(table.c.broker_epoch == lost_epoch, table.c.published_at >= since)
            .values(published_at=None, broker_epoch=None, kafka_partition=None, kafka_offset=None)
            .execution_options(synchronize_session=False)
        )
        self.broker_epoch = lost_epoch + 1
        self.high_water = {}
        self.seen_ends = {}
        requeued = result.rowcount or 0  # type: ignore[attr-defined]
        metrics.OUTBOX_REPUBLISHED.labels(self.service, reason).inc(requeued)
        log.warning(
            "broker lost acknowledged messages; publishing them again",
            extra={"lost_epoch": lost_epoch, "requeued": requeued},
        )

    async def next_batch(self) -> Sequence[PendingEvent]:
        table = self.outbox
        async with self.sessions() as session:
            result = await session.execute(
                select(table.c.seq, table.c.topic, table.c.message_key, table.c.payload)
                .where(table.c.published_at.is_(None))
                .order_by(table.c.seq)
                .limit(self.tuning.batch_size)
            )
            return [PendingEvent(*row) for row in result]

    async def _update_backlog_metrics(self) -> None:
        table = self.outbox
        async with self.sessions() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(table.c.created_at)).where(table.c.published_at.is_(None))
                )
            ).one()
        metrics.OUTBOX_BACKLOG.labels(self.service).set(count)
        lag = 0.0
        if oldest is not None:
            lag = (datetime.now(UTC) - oldest).total_seconds()
        metrics.OUTBOX_LAG.labels(self.service).set(max(0.0, lag))

    async def _watch_broker(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await _sleep_unless(stop, self.tuning.watch_seconds)
            try:
                await self.follow_broker()
                await self.check_broker()
            except Exception:
                log.warning("could not watch the broker", exc_info=True)


class _BrokerReplaced(Exception):
    """The broker that acknowledged a batch was gone before the batch was marked: roll the marking back."""


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return


async def requeue(
    sessions: async_sessionmaker[AsyncSession],
    outbox: Table,
    *,
    first_seq: int | None = None,
    last_seq: int | None = None,
    published_since: datetime | None = None,
    published_before: datetime | None = None,
) -> int:
    """Mark outbox rows unpublished so the relay publishes them again: a `seq` range, or what was published
    between two moments (everything a broker that started at the first and died by the second held)."""
    conditions: list[ColumnElement[bool]] = [outbox.c.published_at.is_not(None)]
    if first_seq is not None:
        conditions.append(outbox.c.seq >= first_seq)
    if last_seq is not None:
        conditions.append(outbox.c.seq <= last_seq)
    if published_since is not None:
        conditions.append(outbox.c.published_at >= published_since)
    if published_before is not None:
        conditions.append(outbox.c.published_at < published_before)
    async with sessions.begin() as session:
        result = await session.execute(
            update(outbox)
            .where(*conditions)
            .values(published_at=None, broker_epoch=None, kafka_partition=None, kafka_offset=None)
            .execution_options(synchronize_session=False)
        )
    return result.rowcount or 0  # type: ignore[attr-defined]
