"""Rebuild the console's read model from scratch: `python -m services.console.rebuild`.

Stop `reemploy consume console` first. This empties the projection and the console's inbox, keeping the
console's own records (targets, community streets), then moves the `console` consumer
group to the beginning of every topic it reads. The next `reemploy consume console` applies every event
again. Where the broker no longer holds the whole history (the embedded broker keeps nothing across its own
restart), publish it again from each service's outbox with `reemploy replay <service> --from-seq 1`.
"""

import asyncio
import logging

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.topics import SUBSCRIPTIONS
from services.common import kafka
from services.common.db import create_engine, session_factory
from services.common.logging import configure_logging
from services.common.settings import ServiceConsumerSettings
from services.console.consumers import CONSUMER
from services.console.models import (
    Achievement,
    AchievementTally,
    AssistantLoad,
    AssistantView,
    CaseView,
    ComplaintView,
    FollowUpView,
    OutcomeView,
    ReviewView,
    TimelineEntry,
    inbox,
)

log = logging.getLogger(__name__)
JOIN_TIMEOUT_SECONDS = 60

PROJECTION = (
    Achievement,
    AchievementTally,
    AssistantLoad,
    AssistantView,
    CaseView,
    ComplaintView,
    FollowUpView,
    OutcomeView,
    ReviewView,
    TimelineEntry,
)
"""The tables built from events alone; the console's own records are not among them."""


async def clear_read_model(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Empty the projection and forget which events were applied, in one transaction."""
    async with sessions.begin() as session:
        for table in PROJECTION:
            await session.execute(delete(table))
        await session.execute(delete(inbox).where(inbox.c.consumer == CONSUMER))


async def rewind_consumer_group(settings: ServiceConsumerSettings) -> int:
    """Join the group alone, take every partition it reads and commit offset 0 on each; returns how many."""
    consumer = kafka.group_consumer(
        settings.kafka_bootstrap,
        group_id=CONSUMER,
        session_timeout_ms=settings.kafka_session_timeout_ms,
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        topics=SUBSCRIPTIONS[CONSUMER],
    )
    await consumer.start()
    try:
        async with asyncio.timeout(JOIN_TIMEOUT_SECONDS):
            while not consumer.assignment():
                await consumer.getmany(timeout_ms=200, max_records=1)
        partitions = consumer.assignment()
        await consumer.commit(dict.fromkeys(partitions, 0))
        return len(partitions)
    finally:
        await consumer.stop()


async def rebuild(settings: ServiceConsumerSettings) -> None:
    engine = create_engine(settings.database_url)
    try:
        await clear_read_model(session_factory(engine))
    finally:
        await engine.dispose()
    rewound = await rewind_consumer_group(settings)
    log.info("console read model cleared; consumer group rewound", extra={"partitions": rewound})


if __name__ == "__main__":
    configured = ServiceConsumerSettings()
    configure_logging(configured.log_level, "console-rebuild")
    asyncio.run(rebuild(configured))
