"""The outbox and inbox tables every service keeps in its own database."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

Sequence = BigInteger().with_variant(Integer(), "sqlite")


def outbox_table(metadata: MetaData) -> Table:
    """Events written in the business transaction, waiting to be (or already) published.

    `broker_epoch`, `kafka_partition` and `kafka_offset` record where a row landed, so the relay can tell
    when a broker lost what it had acknowledged and publish those rows again.
    """
    return Table(
        "outbox",
        metadata,
        Column("seq", Sequence, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("message_key", String(200), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True)),
        Column("broker_epoch", Integer),
        Column("kafka_partition", Integer),
        Column("kafka_offset", BigInteger),
        Index(
            "ix_outbox_unpublished",
            "seq",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        Index("ix_outbox_broker_epoch", "broker_epoch"),
    )


def inbox_table(metadata: MetaData) -> Table:
    """Event ids a consumer has applied (or dead-lettered), written in the same transaction as the effect."""
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("outcome", String(20), nullable=False),
        Column("received_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
