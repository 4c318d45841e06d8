"""The consumer loop with fakes: retries, dead letters, order per case, commit after apply."""

import asyncio
import contextlib
from dataclasses import dataclass, field

from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaConnectionError

from services.common.consumer import EventConsumer, PermanentError
from tests.factories import registered_envelope

TOPIC = "intake.events"


def record(offset: int, value: bytes, *, key: bytes = b"k", partition: int = 0) -> ConsumerRecord:
    return ConsumerRecord(
        topic=TOPIC,
        partition=partition,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=(),
    )


@dataclass
class FakeKafka:
    commits: list[dict[TopicPartition, int]] = field(default_factory=list)
    group_offsets: dict[TopicPartition, int] = field(default_factory=dict)
    rewound_to_start: list[TopicPartition] = field(default_factory=list)

    async def commit(self, offsets):
        self.commits.append(dict(offsets))
        self.group_offsets.update(offsets)

    def assignment(self):
        return {TopicPartition(TOPIC, n) for n in range(4)}

    async def committed(self, partition):
        return self.group_offsets.get(partition)

    async def seek_to_beginning(self, partition):
        self.rewound_to_start.append(partition)


@dataclass
class FakeDeadLetters:
    sent: list[tuple[int, str, int]] = field(default_factory=list)

    async def send(self, record, *, error, attempts):
        self.sent.append((record.offset, type(error).__name__, attempts))


def consumer_with(handler, kafka=None, dead_letters=None) -> EventConsumer:
    return EventConsumer(
        name="test",
        consumer=kafka or FakeKafka(),
        handler=handler,
        dead_letters=dead_letters or FakeDeadLetters(),
        max_attempts=3,
        retry_backoff_seconds=0,
    )


async def test_poison_message_is_dead_lettered_and_the_rest_applied_and_committed():
    applied = []

    async def handler(envelope):
        applied.append(envelope.subject)
        return "applied"

    kafka, dead = FakeKafka(), FakeDeadLetters()
    tp = TopicPartition(TOPIC, 0)
    batch = {tp: [record(0, b"garbage"), record(1, registered_envelope("case-1").to_bytes())]}
    await consumer_with(handler, kafka, dead).process(batch)
    assert applied == ["case-1"]
    assert dead.sent == [(0, "ValidationError", 1)]
    assert kafka.commits == [{tp: 2}]


async def test_a_failing_event_is_retried_then_dead_lettered():
    calls = 0

    async def handler(envelope):
        nonlocal calls
        calls += 1
        raise RuntimeError("database away")

    dead = FakeDeadLetters()
    await consumer_with(handler, dead_letters=dead).process(
        {TopicPartition(TOPIC, 0): [record(5, registered_envelope("c").to_bytes())]}
    )
    assert calls == 3
    assert dead.sent == [(5, "RuntimeError", 3)]


async def test_a_transient_failure_recovers_without_dead_letter():
    calls = 0

    async def handler(envelope):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("blip")
        return "applied"

    dead = FakeDeadLetters()
    await consumer_with(handler, dead_letters=dead).process(
        {TopicPartition(TOPIC, 0): [record(0, registered_envelope("c").to_bytes())]}
    )
    assert calls == 2
    assert dead.sent == []


async def test_permanent_errors_are_not_retried():
    calls = 0

    async def handler(envelope):
        nonlocal calls
        calls += 1
        raise PermanentError("schema mismatch")

    dead = FakeDeadLetters()
    await consumer_with(handler, dead_letters=dead).process(
        {TopicPartition(TOPIC, 0): [record(0, registered_envelope("c").to_bytes())]}
    )
    assert calls == 1
    assert dead.sent == [(0, "PermanentError", 1)]


async def test_events_of_one_case_apply_in_order_while_cases_interleave():
    order: list[tuple[str, int]] = []

    async def handler(envelope):
        await asyncio.sleep(0.01 if envelope.subject == "slow" else 0)
        order.append((envelope.subject, int(envelope.data["community_code"][-1])))
        return "applied"

    def event(case, n, offset):
        envelope = registered_envelope(case).model_copy(
            update={"data": {**registered_envelope(case).data, "community_code": f"C-{n}"}}
        )
        return record(offset, envelope.to_bytes(), key=case.encode())

    tp = TopicPartition(TOPIC, 0)
    records = [event("slow", 1, 0), event("fast", 1, 1), event("slow", 2, 2), event("fast", 2, 3)]
    await consumer_with(handler).process({tp: records})
    assert [n for case, n in order if case == "slow"] == [1, 2]
    assert [n for case, n in order if case == "fast"] == [1, 2]
    assert order.index(("fast", 2)) < order.index(("slow", 2))


async def test_nothing_is_committed_when_dead_lettering_fails():
    async def handler(envelope):
        raise PermanentError("bad")

    class BrokenDeadLetters:
        async def send(self, record, *, error, attempts):
            raise ConnectionError("broker down")

    kafka = FakeKafka()
    consumer = consumer_with(handler, kafka, BrokenDeadLetters())
    tp = TopicPartition(TOPIC, 0)
    with contextlib.suppress(ConnectionError):
        await consumer.process({tp: [record(0, registered_envelope("c").to_bytes())]})
    assert kafka.commits == []


async def test_partitions_are_read_again_when_the_broker_lost_the_groups_offsets():
    async def handler(envelope):
        return "applied"

    kafka = FakeKafka()
    consumer = consumer_with(handler, kafka)
    first, second = TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)
    await consumer.process(
        {
            first: [record(0, registered_envelope("a").to_bytes())],
            second: [record(0, registered_envelope("b").to_bytes())],
        }
    )
    assert await consumer.rewind_if_broker_lost_offsets() == []

    kafka.group_offsets.clear()
    assert await consumer.rewind_if_broker_lost_offsets() == [first, second]
    assert kafka.rewound_to_start == [first, second]
    assert await consumer.rewind_if_broker_lost_offsets() == []


@dataclass
class SlowGroupOffsets(FakeKafka):
    """Answers each offset question only once every partition of the batch was asked (one round trip for all,
    not one after another); the partition in `unreadable` answers with an error."""

    partitions_asked: int = 2
    unreadable: TopicPartition | None = None
    asked: list[TopicPartition] = field(default_factory=list)
    all_asked: asyncio.Event = field(default_factory=asyncio.Event)

    async def committed(self, partition):
        self.asked.append(partition)
        if len(self.asked) == self.partitions_asked:
            self.all_asked.set()
        async with asyncio.timeout(30):
            await self.all_asked.wait()
        if partition == self.unreadable:
            raise KafkaConnectionError("the coordinator did not answer")
        return self.group_offsets.get(partition)


async def test_group_offsets_are_asked_for_all_partitions_at_once_and_a_failed_answer_skips_only_its_own():
    async def handler(envelope):
        return "applied"

    first, second = TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)
    kafka = SlowGroupOffsets(unreadable=first)
    consumer = consumer_with(handler, kafka)
    batch = {
        first: [record(0, registered_envelope("a").to_bytes())],
        second: [record(0, registered_envelope("b").to_bytes(), partition=1)],
    }
    await consumer.process(batch)
    kafka.group_offsets.clear()
    kafka.asked.clear()
    kafka.all_asked.clear()

    assert await consumer.rewind_if_broker_lost_offsets() == [second]
    assert kafka.rewound_to_start == [second]


async def test_a_batch_read_past_records_a_restarted_broker_took_again_is_not_committed_but_read_again():
    """The broker restarted empty and refilled past this consumer's position before it noticed: the
    records before that position were never read, so the batch is not committed and the partition is
    read again from the start."""
    applied = []

    async def handler(envelope):
        applied.append(envelope.subject)
        return "applied"

    kafka = FakeKafka()
    consumer = consumer_with(handler, kafka)
    tp = TopicPartition(TOPIC, 0)
    await consumer.process({tp: [record(n, registered_envelope(f"old-{n}").to_bytes()) for n in range(3)]})
    assert kafka.commits == [{tp: 3}]

    kafka.group_offsets.clear()
    await consumer.process({tp: [record(3, registered_envelope("after-restart").to_bytes())]})
    assert kafka.commits == [{tp: 3}]
    assert kafka.rewound_to_start == [tp]
    assert applied[-1] == "after-restart"

    await consumer.process({tp: [record(0, registered_envelope("skipped").to_bytes())]})
    assert kafka.commits == [{tp: 3}, {tp: 1}]


class FakeBatchHandler:
    """Applies batches unless one holds a case that fails; one at a time, only that case fails."""

    def __init__(self, failing: str | None = None) -> None:
        self.failing = failing
        self.batches: list[list[str]] = []
        self.one_at_a_time: list[str] = []

    async def __call__(self, envelope):
        self.one_at_a_time.append(envelope.subject)
        if envelope.subject == self.failing:
            raise RuntimeError("this event cannot be applied")
        return "applied"

    async def apply_batch(self, envelopes):
        if any(envelope.subject == self.failing for envelope in envelopes):
            raise RuntimeError("the batch rolled back")
        self.batches.append([envelope.subject for envelope in envelopes])
        return ["applied"] * len(envelopes)


def batch_consumer(handler, kafka, dead_letters, *, batch_size: int) -> EventConsumer:
    return EventConsumer(
        name="test",
        consumer=kafka,
        handler=handler,
        dead_letters=dead_letters,
        retry_backoff_seconds=0,
        batch_size=batch_size,
    )


async def test_a_handler_that_applies_batches_gets_the_polled_records_in_order_in_bounded_batches():
    handler, kafka, dead = FakeBatchHandler(), FakeKafka(), FakeDeadLetters()
    first, second = TopicPartition(TOPIC, 0), TopicPartition(TOPIC, 1)
    polled = {
        first: [record(n, registered_envelope(f"a{n}").to_bytes(), partition=0) for n in range(3)],
        second: [record(0, b"garbage", partition=1)]
        + [record(n, registered_envelope(f"b{n}").to_bytes(), partition=1) for n in range(1, 3)],
    }
    await batch_consumer(handler, kafka, dead, batch_size=2).process(polled)
    assert handler.batches == [["a0", "a1"], ["a2", "b1"], ["b2"]]
    assert handler.one_at_a_time == []
    assert dead.sent == [(0, "ValidationError", 1)]
    assert kafka.commits == [{first: 3, second: 3}]


async def test_a_failed_batch_is_applied_one_event_at_a_time_and_only_the_failing_event_dead_lettered():
    handler, kafka, dead = FakeBatchHandler(failing="bad"), FakeKafka(), FakeDeadLetters()
    tp = TopicPartition(TOPIC, 0)
    cases = ["a", "b", "bad", "c", "d"]
    polled = {
        tp: [
            record(n, registered_envelope(case).to_bytes(), key=case.encode()) for n, case in enumerate(cases)
        ]
    }
    await batch_consumer(handler, kafka, dead, batch_size=3).process(polled)
    assert handler.batches == [["c", "d"]]
    assert sorted(handler.one_at_a_time) == ["a", "b", "bad", "bad", "bad"]
    assert dead.sent == [(2, "RuntimeError", 3)]
    assert kafka.commits == [{tp: 5}]


class FakeRunHandler:
    """Applies a key's events as one run unless the run holds the failing event; one at a time, only that
    event fails."""

    def __init__(self, failing: str | None = None) -> None:
        self.failing = failing
        self.runs: list[list[str]] = []
        self.one_at_a_time: list[str] = []

    async def __call__(self, envelope):
        self.one_at_a_time.append(envelope.data["community_code"])
        if envelope.data["community_code"] == self.failing:
            raise PermanentError("this event cannot be applied")
        return "applied"

    async def apply_run(self, envelopes):
        communities = [envelope.data["community_code"] for envelope in envelopes]
        if self.failing in communities:
            raise PermanentError("a run holding it fails whole")
        self.runs.append(communities)
        return ["applied"] * len(envelopes)


def keyed(case: str, community: str, offset: int) -> ConsumerRecord:
    envelope = registered_envelope(case)
    envelope = envelope.model_copy(update={"data": {**envelope.data, "community_code": community}})
    return record(offset, envelope.to_bytes(), key=case.encode())


async def test_a_handler_that_applies_runs_gets_each_keys_events_in_one_call_in_order():
    handler, kafka, dead = FakeRunHandler(), FakeKafka(), FakeDeadLetters()
    tp = TopicPartition(TOPIC, 0)
    garbage = record(2, b"garbage", key=b"a")
    records = [keyed("a", "A-1", 0), keyed("b", "B-1", 1), garbage, keyed("a", "A-2", 3)]
    await consumer_with(handler, kafka, dead).process({tp: records})
    assert sorted(handler.runs) == [["A-1", "A-2"]]
    assert handler.one_at_a_time == ["B-1"]
    assert dead.sent == [(2, "ValidationError", 1)]
    assert kafka.commits == [{tp: 4}]


async def test_a_failed_run_is_applied_one_event_at_a_time_and_only_the_failing_event_dead_lettered():
    handler, kafka, dead = FakeRunHandler(failing="A-2"), FakeKafka(), FakeDeadLetters()
    tp = TopicPartition(TOPIC, 0)
    records = [keyed("a", "A-1", 0), keyed("a", "A-2", 1), keyed("a", "A-3", 2)]
    await consumer_with(handler, kafka, dead).process({tp: records})
    assert handler.runs == []
    assert handler.one_at_a_time == ["A-1", "A-2", "A-3"]
    assert dead.sent == [(1, "PermanentError", 1)]
    assert kafka.commits == [{tp: 3}]
