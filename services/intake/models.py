"""Intake tables."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.tables import UtcDateTime, inbox_table, outbox_table

metadata = MetaData()


class Base(DeclarativeBase):
    metadata = metadata


class WorkerCase(Base):
    """A laid-off worker and the case opened for them."""

    __tablename__ = "worker_cases"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    resident_id_encrypted: Mapped[str | None] = mapped_column(Text)
    resident_id_hash: Mapped[str | None] = mapped_column(String(64))
    resident_id_masked: Mapped[str | None] = mapped_column(String(18))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(6))
    hardship_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    household: Mapped[dict[str, int] | None] = mapped_column(JSON)
    full_name: Mapped[str] = mapped_column(String(50))
    mobile: Mapped[str] = mapped_column(String(11))
    community_code: Mapped[str] = mapped_column(String(32), index=True)
    layoff_date: Mapped[date] = mapped_column(Date)
    layoff_reason: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
