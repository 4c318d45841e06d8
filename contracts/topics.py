"""Kafka topic names. Every topic is created explicitly with the same partition count.

The partition count equals what the embedded broker gives an auto-created topic, so a topic that a client
re-creates by accident after a broker restart has the same shape as one created on purpose.
"""

PARTITIONS = 4

INTAKE_EVENTS = "intake.events"
TRAINING_EVENTS = "training.events"
PLACEMENT_EVENTS = "placement.events"
COMPLAINTS_EVENTS = "complaints.events"
JOURNEY_EVENTS = "journey.events"
BENEFITS_EVENTS = "benefits.events"

EVENT_TOPICS: tuple[str, ...] = (
    INTAKE_EVENTS,
    TRAINING_EVENTS,
    PLACEMENT_EVENTS,
    COMPLAINTS_EVENTS,
    JOURNEY_EVENTS,
    BENEFITS_EVENTS,
)


AGENCIES: tuple[str, ...] = ("tax", "commerce", "bank", "health", "urban_construction", "labour_bureau")
"""The partner agencies that receive a feed (the values of `contracts.events.intake.Agency`)."""


def feed_topic(agency: str) -> str:
    """Where the benefits service publishes one agency's minimal-data feed: `feed.<agency>`."""
    return f"feed.{agency}"


FEED_TOPICS: tuple[str, ...] = tuple(feed_topic(agency) for agency in AGENCIES)


def dead_letter_topic(consumer: str) -> str:
    """Where a consumer sends the events it could not apply: `<consumer>.dlq`."""
    return f"{consumer}.dlq"


SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "bridge": (INTAKE_EVENTS, TRAINING_EVENTS, PLACEMENT_EVENTS, COMPLAINTS_EVENTS, BENEFITS_EVENTS),
    "training": (INTAKE_EVENTS, PLACEMENT_EVENTS),
    "placement": (INTAKE_EVENTS, TRAINING_EVENTS),
    "benefits": (INTAKE_EVENTS, PLACEMENT_EVENTS),
    "console": EVENT_TOPICS,
}
"""Which topics each consumer group reads. A service's consumer group is named after the service."""

ALL_TOPICS: tuple[str, ...] = (
    EVENT_TOPICS + FEED_TOPICS + tuple(dead_letter_topic(name) for name in SUBSCRIPTIONS)
)
