"""The relay on SQLite and PostgreSQL with a fake publisher: order, marking, failures, lost broker epochs."""

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from contracts.ids import uuid7
from services.common.db import session_factory
from services.common.kafka import Landing, OutgoingMessage
from services.common.outbox import Outbox
from services.common.relay import Relay, RelayTuning, requeue
from services.intake.models import outbox
from tests.factories import worker_registered


@dataclass
class FakePublisher:
    """Acknowledges each message at the next offset of its partition, like a broker would."""

    partitions: int = 4
    sent: list[OutgoingMessage] = field(default_factory=list)
    next_offset: dict[tuple[str, int], int] = field(default_factory=dict)
    fail_next: int = 0
    batch_ends: dict[tuple[str, int], int] = field(default_factory=dict)

    async def publish(self, messages: Sequence[OutgoingMessage]) -> list[Landing]:
        if self.fail_next:
            self.fail_next -= 1
            raise ConnectionError("broker unreachable")
        landings = []
        for place in {(m.topic, hash(m.key) % self.partitions) for m in messages}:
            self.batch_ends[place] = self.next_offset.get(place, 0) + 1
        for message in messages:
            place = (message.topic, hash(message.key) % self.partitions)
            offset = self.next_offset.get(place, 0)
            self.next_offset[place] = offset + 1
            self.sent.append(message)
            landings.append(Landing(place[0], place[1], offset))
        return landings

    async def end_offsets(self, partitions):
        """Like Tansu: the base offset of the partition's last batch plus one, not its true end."""
        return {place: self.batch_ends.get(place, 0) for place in partitions}

    def restart(self) -> None:
        """An in-memory broker coming back empty."""
        self.next_offset.clear()
        self.batch_ends.clear()


async def write_events(engine, count: int) -> list[str]:
    sessions = session_factory(engine)
    ids = []
    for _ in range(count):
        async with sessions.begin() as session:
            envelope = await Outbox(outbox).add(session, worker_registered(str(uuid7())), correlation_id="t")
            ids.append(envelope.id)
    return ids


def relay_for(engine, publisher, batch_size=500) -> Relay:
    return Relay(
        service="intake",
        outbox=outbox,
        sessions=session_factory(engine),
        publisher=publisher,
        tuning=RelayTuning(batch_size=batch_size),
    )


def sent_ids(publisher: FakePublisher) -> list[str]:
    import json

    return [json.loads(message.value)["id"] for message in publisher.sent]


async def unpublished(engine) -> int:
    async with engine.connect() as connection:
        rows = await connection.execute(select(outbox.c.seq).where(outbox.c.published_at.is_(None)))
        return len(rows.all())


async def test_rows_are_published_in_order_in_batches_and_marked(intake_engine):
    ids = await write_events(intake_engine, 7)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher, batch_size=3)
    await relay.load_state()
    assert [await relay.publish_pending() for _ in range(4)] == [3, 3, 1, 0]
    assert sent_ids(publisher) == ids
    assert all(message.topic == "intake.events" for message in publisher.sent)
    assert await unpublished(intake_engine) == 0


async def test_a_failed_publish_leaves_rows_for_the_next_attempt(intake_engine):
    ids = await write_events(intake_engine, 3)
    publisher = FakePublisher(fail_next=1)
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    with contextlib.suppress(ConnectionError):
        await relay.publish_pending()
    assert await unpublished(intake_engine) == 3
    assert await relay.publish_pending() == 3
    assert sent_ids(publisher) == ids


async def test_a_relay_killed_before_marking_publishes_again(intake_engine):
    ids = await write_events(intake_engine, 4)
    publisher = FakePublisher()
    dying = relay_for(intake_engine, publisher)
    await dying.load_state()
    await dying.publish_rows(await dying.next_batch())
    successor = relay_for(intake_engine, publisher)
    await successor.load_state()
    assert await successor.publish_pending() == 4
    assert sent_ids(publisher) == ids + ids


async def test_rows_the_broker_lost_are_published_again_when_offsets_go_backwards(intake_engine):
    first = await write_events(intake_engine, 10)
    publisher = FakePublisher(partitions=1)
    """One partition: the later rows land where the first ones did (with several, random keys could put both
    on a partition the first ten never reached, where no offset goes backwards)."""
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    await relay.publish_pending()
    publisher.restart()
    later = await write_events(intake_engine, 2)
    await relay.publish_pending()
    assert await relay.publish_pending() == 10
    assert sent_ids(publisher) == first + later + first
    assert relay.broker_epoch == 1
    assert await unpublished(intake_engine) == 0


async def test_an_idle_relay_notices_a_broker_that_lost_everything(intake_engine):
    ids = await write_events(intake_engine, 5)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    await relay.publish_pending()
    assert await relay.check_broker() is False
    publisher.restart()
    assert await relay.check_broker() is True
    assert await unpublished(intake_engine) == 5
    await relay.publish_pending()
    assert sent_ids(publisher) == ids + ids


async def test_a_batch_in_flight_when_the_broker_was_found_lost_is_published_again(intake_engine):
    """The old broker acknowledged a batch and died; the watcher found the loss before the batch was
    marked. Those acknowledgements came from the lost broker, so the rows must go out again."""
    first = await write_events(intake_engine, 3)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    await relay.publish_pending()
    assert await relay.check_broker() is False
    in_flight = await write_events(intake_engine, 2)
    rows = await relay.next_batch()
    epoch = relay.broker_epoch
    landings = await relay.publish_rows(rows)
    publisher.restart()
    assert await relay.check_broker() is True
    assert await relay.mark_published(rows, landings, published_in_epoch=epoch) is False
    assert await unpublished(intake_engine) == 5
    await relay.publish_pending()
    assert sent_ids(publisher) == first + in_flight + first + in_flight
    assert await unpublished(intake_engine) == 0


async def test_end_offsets_below_acknowledged_offsets_are_not_mistaken_for_loss(intake_engine):
    await write_events(intake_engine, 40)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher, batch_size=10)
    await relay.load_state()
    for _ in range(4):
        await relay.publish_pending()
        assert await relay.check_broker() is False
    assert len(publisher.sent) == 40
    assert await unpublished(intake_engine) == 0


async def test_broker_epoch_and_high_water_survive_a_relay_restart(intake_engine):
    await write_events(intake_engine, 6)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    await relay.publish_pending()
    await relay.check_broker()
    publisher.restart()
    assert await relay.check_broker() is True
    await relay.publish_pending()
    successor = relay_for(intake_engine, publisher)
    await successor.load_state()
    assert successor.broker_epoch == 1
    assert successor.high_water == relay.high_water


async def test_replay_requeues_a_range(intake_engine):
    ids = await write_events(intake_engine, 6)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    await relay.publish_pending()
    async with intake_engine.connect() as connection:
        seqs = (await connection.execute(select(outbox.c.seq).order_by(outbox.c.seq))).scalars().all()
    assert await requeue(session_factory(intake_engine), outbox, first_seq=seqs[2], last_seq=seqs[3]) == 2
    await relay.publish_pending()
    assert sent_ids(publisher) == ids + ids[2:4]


async def test_replay_requeues_what_was_published_since_a_moment(intake_engine):
    early = await write_events(intake_engine, 3)
    publisher = FakePublisher()
    relay = relay_for(intake_engine, publisher)
    await relay.load_state()
    await relay.publish_pending()
    broker_started = datetime.now(UTC)
    late = await write_events(intake_engine, 2)
    await relay.publish_pending()
    assert await requeue(session_factory(intake_engine), outbox, published_since=broker_started) == 2
    await relay.publish_pending()
    assert sent_ids(publisher) == early + late + late


async def until(condition, bound: float = 120.0) -> None:
    """Wait for progress, with a generous bound for a busy machine."""
    async with asyncio.timeout(bound):
        while True:
            if condition():
                return
            await asyncio.sleep(0.01)


async def test_an_idle_relay_is_woken_by_a_commit_of_its_own_process_not_by_its_poll(intake_engine):
    """The fallback poll is ten minutes here: a row published within the test was announced by its commit."""
    publisher = FakePublisher()
    relay = Relay(
        service="intake",
        outbox=outbox,
        sessions=session_factory(intake_engine),
        publisher=publisher,
        tuning=RelayTuning(idle_poll_seconds=600, max_idle_poll_seconds=600, watch_seconds=600),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        await until(lambda: relay.ready)
        for expected in (1, 2):
            await write_events(intake_engine, 1)
            await until(lambda expected=expected: len(publisher.sent) >= expected)
    finally:
        stop.set()
        await running
    assert len(publisher.sent) == 2


@dataclass
class BrokerIdentity:
    """The cluster id the embedded broker answers with; a restart gives it a new one."""

    current: str = "broker-1"
    asked: int = 0

    async def __call__(self) -> str:
        self.asked += 1
        return self.current


def relay_knowing(engine, publisher: FakePublisher, identity: BrokerIdentity) -> Relay:
    return Relay(
        service="intake",
        outbox=outbox,
        sessions=session_factory(engine),
        publisher=publisher,
        broker_id=identity,
    )


async def test_a_relay_that_knows_the_broker_stays_in_its_epoch_while_the_broker_stays(intake_engine):
    ids = await write_events(intake_engine, 3)
    publisher, identity = FakePublisher(), BrokerIdentity()
    relay = relay_knowing(intake_engine, publisher, identity)
    await relay.load_state()
    await relay.publish_pending()
    more = await write_events(intake_engine, 2)
    await relay.publish_pending()
    assert sent_ids(publisher) == ids + more
    assert relay.broker_epoch == 0
    assert identity.asked >= 2


async def test_a_new_broker_identity_requeues_the_lost_epoch_before_the_next_batch(intake_engine):
    """Offsets alone would not tell: the new broker's offsets start where nothing was seen yet. Its
    identity does, and the lost rows go out again ahead of the new ones, in the outbox's order."""
    first = await write_events(intake_engine, 4)
    publisher, identity = FakePublisher(partitions=1), BrokerIdentity()
    relay = relay_knowing(intake_engine, publisher, identity)
    await relay.load_state()
    await relay.publish_pending()
    publisher.restart()
    publisher.next_offset[("intake.events", 0)] = 100
    identity.current = "broker-2"
    later = await write_events(intake_engine, 2)
    assert await relay.publish_pending() == 6
    assert sent_ids(publisher) == first + first + later
    assert relay.broker_epoch == 1
    assert await unpublished(intake_engine) == 0


async def test_a_batch_acknowledged_by_a_broker_replaced_before_marking_is_published_again(intake_engine):
    """The old broker acknowledged the batch and died before the rows were marked: the marking is rolled
    back, and the next batch finds the new broker and publishes them to it."""
    ids = await write_events(intake_engine, 3)
    publisher, identity = FakePublisher(), BrokerIdentity()
    relay = relay_knowing(intake_engine, publisher, identity)
    await relay.load_state()
    assert await relay.follow_broker() is False
    rows = await relay.next_batch()
    landings = await relay.publish_rows(rows)
    publisher.restart()
    identity.current = "broker-2"
    assert await relay.mark_published(rows, landings, published_in_epoch=0, broker="broker-1") is False
    assert await unpublished(intake_engine) == 3
    assert await relay.publish_pending() == 3
    assert sent_ids(publisher) == ids + ids
    assert await unpublished(intake_engine) == 0


async def test_the_broker_is_asked_who_it_is_outside_the_marking_transaction(intake_engine):
    """On SQLite a process has one connection: a marking transaction that waited on the broker would hold
    every request of the process for a round trip. Here the broker's answer needs that connection itself."""
    ids = await write_events(intake_engine, 2)
    publisher = FakePublisher()

    class AnswersAfterAWrite(BrokerIdentity):
        async def __call__(self) -> str:
            await write_events(intake_engine, 1)
            return await super().__call__()

    identity = AnswersAfterAWrite()
    relay = relay_knowing(intake_engine, publisher, identity)
    await relay.load_state()
    async with asyncio.timeout(60):
        assert await relay.publish_pending() == 2
    assert sent_ids(publisher) == ids
    assert await unpublished(intake_engine) == identity.asked
