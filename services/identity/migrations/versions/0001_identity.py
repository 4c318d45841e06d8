"""Clients, staff users, signing keys, outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("agency_code", sa.String(40)),
        sa.Column("employer_id", sa.String(64)),
        sa.Column("provider_id", sa.String(64)),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("registered_at", MOMENT, nullable=False),
        sa.Column("secret_issued_at", MOMENT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "staff_users",
        sa.Column("staff_id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("community_code", sa.String(32)),
        sa.Column("street_code", sa.String(32)),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("failed_attempts", sa.Integer, nullable=False),
        sa.Column("locked_until", MOMENT),
        sa.Column("registered_at", MOMENT, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("algorithm", sa.String(8), nullable=False),
        sa.Column("public_jwk", sa.JSON, nullable=False),
        sa.Column("private_key_sealed", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("activated_at", MOMENT),
        sa.Column("retired_at", MOMENT),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index(
        "ux_signing_keys_one_next_one_active",
        "signing_keys",
        ["status"],
        unique=True,
        sqlite_where=sa.text("status IN ('next', 'active')"),
        postgresql_where=sa.text("status IN ('next', 'active')"),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", SEQ, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("published_at", MOMENT),
        sa.Column("broker_epoch", sa.Integer),
        sa.Column("kafka_partition", sa.Integer),
        sa.Column("kafka_offset", sa.BigInteger),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["seq"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_outbox_broker_epoch", "outbox", ["broker_epoch"])
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(100), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("received_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
    )


def downgrade() -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")
    op.drop_table("signing_keys")
    op.drop_table("staff_users")
    op.drop_table("clients")
