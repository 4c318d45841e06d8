"""Identity tables."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, MetaData, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class Client(Base):
    """A system that calls with client credentials, acting for an agency, employer, provider or itself."""

    __tablename__ = "clients"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    employer_id: Mapped[str | None] = mapped_column(String(64))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    secret_hash: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    secret_issued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class StaffUser(Base):
    """A staff member who logs in with a password."""

    __tablename__ = "staff_users"

    staff_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    community_code: Mapped[str | None] = mapped_column(String(32))
    street_code: Mapped[str | None] = mapped_column(String(32))
    assistant_id: Mapped[str | None] = mapped_column(String(36))
    """A labour assistant's id in intake's caseworker network."""
    password_hash: Mapped[str] = mapped_column(Text)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SigningKey(Base):
    """A token-signing key pair; the private key is sealed with the service's secret."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(8))
    public_jwk: Mapped[dict[str, Any]] = mapped_column(JSON)
    private_key_sealed: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index(
            "ux_signing_keys_one_next_one_active",
            "status",
            unique=True,
            sqlite_where=text("status IN ('next', 'active')"),
            postgresql_where=text("status IN ('next', 'active')"),
        ),
    )


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
