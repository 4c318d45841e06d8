"""Writing events to the outbox inside the caller's business transaction, and ringing the relay of this
process when such a transaction commits."""

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import Table, event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from contracts.envelope import Envelope
from contracts.events import Event


class Outbox:
    """Adds events to a service's outbox table; the relay publishes them after the transaction commits."""

    def __init__(self, table: Table) -> None:
        self.table = table

    async def add(
        self,
        session: AsyncSession,
        event: Event,
        *,
        correlation_id: str,
        causation_id: str | None = None,
    ) -> Envelope:
        (envelope,) = await self.add_all(
            session, [event], correlation_id=correlation_id, causation_id=causation_id
        )
        return envelope

    async def add_all(
        self,
        session: AsyncSession,
        events: Sequence[Event],
        *,
        correlation_id: str,
        causation_id: str | None = None,
    ) -> list[Envelope]:
        """Several events of one business transaction in one INSERT (an executemany), in this order."""
        envelopes = [
            event.envelope(correlation_id=correlation_id, causation_id=causation_id) for event in events
        ]
        await self._insert(
            session, [(envelope, event.topic) for envelope, event in zip(envelopes, events, strict=True)]
        )
        return envelopes

    async def add_envelope(self, session: AsyncSession, envelope: Envelope, *, topic: str) -> None:
        """Add an event whose envelope another party made (e.g. a workflow, which chose its id)."""
        await self._insert(session, [(envelope, topic)])

    async def _insert(self, session: AsyncSession, envelopes: Sequence[tuple[Envelope, str]]) -> None:
        if not envelopes:
            return
        created_at = datetime.now(UTC)
        rows = [
            {
                "event_id": envelope.id,
                "event_type": envelope.type,
                "topic": topic,
                "message_key": envelope.subject,
                "payload": envelope.model_dump_json(),
                "created_at": created_at,
            }
            for envelope, topic in envelopes
        ]
        await session.execute(insert(self.table), rows)
        session.sync_session.info.setdefault(_WRITTEN, set()).add(self.table)

    async def holds(self, session: AsyncSession, event_id: str) -> bool:
        found = await session.scalar(select(self.table.c.seq).where(self.table.c.event_id == event_id))
        return found is not None


_WRITTEN = "outbox_tables_written"


class OutboxBell:
    """Rung when a transaction of this process that wrote to an outbox commits; it stays rung until heard, so
    a commit made while the relay was busy is not missed."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._rung = asyncio.Event()

    def ring(self) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._rung.set()
        else:
            self._loop.call_soon_threadsafe(self._rung.set)

    async def wait(self, stop: asyncio.Event, timeout: float) -> bool:
        """Wait until rung, stopped or `timeout` passed; True when it was rung."""
        rung = asyncio.ensure_future(self._rung.wait())
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({rung, stopped}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            rung.cancel()
            stopped.cancel()
        heard = self._rung.is_set()
        self._rung.clear()
        return heard


_bells: defaultdict[Table, set[OutboxBell]] = defaultdict(set)
"""By table object, not name: every service's outbox is named `outbox`, and a process may host several."""


@contextlib.contextmanager
def outbox_bell(table: Table) -> Iterator[OutboxBell]:
    """A bell for the relay of `table`, rung by this process's commits to it while the block runs."""
    bell = OutboxBell()
    _bells[table].add(bell)
    try:
        yield bell
    finally:
        _bells[table].discard(bell)


@event.listens_for(Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    for table in session.info.pop(_WRITTEN, ()):
        for bell in list(_bells.get(table, ())):
            bell.ring()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
