"""The audit log of personal-data access: append-only records chained by SHA-256 hashes.

Each record says who (actor, role, client and how they were identified), what (read, create, update or
export; resource type and id; fields touched), why (purpose), when, and under which correlation id. It
carries `prev_hash` and `hash = SHA-256(prev_hash + canonical JSON of the record)`; the first record's
`prev_hash` is `GENESIS_HASH`. Appends happen in the caller's transaction and are serialised on the
chain-head row (a conditional UPDATE of it, or `SELECT … FOR UPDATE`, locks it; SQLite's
`BEGIN IMMEDIATE` already admits one writer), so the chain never forks. Migrations add triggers refusing
UPDATE and DELETE (see `append_only_statements`).
"""

import hashlib
import json
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Column,
    Index,
    MetaData,
    RowMapping,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.ids import uuid7
from services.common.tables import Sequence as SequenceType
from services.common.tables import UtcDateTime

GENESIS_HASH = "0" * 64
CHAIN = "personal-data"
EXPORT_BATCH = 500


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    EXPORT = "export"


class ActorSource(StrEnum):
    """How the actor was identified: only a verified token names an actor (records written before tokens
    were required may say `header` or `anonymous`)."""

    TOKEN = "token"


@dataclass(frozen=True)
class Actor:
    subject: str
    source: ActorSource
    role: str | None = None
    client: str | None = None


@dataclass(frozen=True)
class Access:
    """Who is reaching personal data, and why, in one request or event."""

    actor: Actor
    purpose: str
    correlation_id: str


def audit_table(metadata: MetaData) -> Table:
    """The records, numbered 1, 2, 3… by `seq` with no gaps; `hash` chains each to the one before."""
    return Table(
        "audit_log",
        metadata,
        Column("seq", SequenceType, primary_key=True, autoincrement=False),
        Column("record_id", String(36), nullable=False, unique=True),
        Column("recorded_at", UtcDateTime, nullable=False),
        Column("actor", String(200), nullable=False),
        Column("actor_source", String(20), nullable=False),
        Column("actor_role", String(100)),
        Column("actor_client", String(200)),
        Column("action", String(20), nullable=False),
        Column("resource_type", String(100), nullable=False),
        Column("resource_id", String(200), nullable=False),
        Column("fields", Text, nullable=False),
        Column("purpose", String(200), nullable=False),
        Column("correlation_id", String(200), nullable=False),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        Index("ix_audit_log_resource", "resource_type", "resource_id"),
    )


def audit_head_table(metadata: MetaData) -> Table:
    """One row per chain: the newest record's `seq` and `hash`; appenders lock it, verifiers check with it."""
    return Table(
        "audit_chain_head",
        metadata,
        Column("chain", String(50), primary_key=True),
        Column("seq", SequenceType, nullable=False),
        Column("hash", String(64), nullable=False),
    )


def canonical_json(record: Mapping[str, Any]) -> bytes:
    """Keys sorted, no spaces, UTF-8: the bytes an auditor can rebuild from an exported line."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, record: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_json(record)).hexdigest()


HASHED_FIELDS = (
    "seq",
    "record_id",
    "recorded_at",
    "actor",
    "actor_source",
    "actor_role",
    "actor_client",
    "action",
    "resource_type",
    "resource_id",
    "fields",
    "purpose",
    "correlation_id",
)


def _hashed(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The record as hashed and exported: `recorded_at` in ISO 8601 UTC, `fields` as a list."""
    record = {name: row[name] for name in HASHED_FIELDS}
    if isinstance(record["recorded_at"], datetime):
        record["recorded_at"] = record["recorded_at"].astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(record["fields"], str):
        record["fields"] = json.loads(record["fields"])
    return record


class Problem(StrEnum):
    CHANGED = "changed"
    """The record's content no longer gives its hash."""
    UNLINKED = "unlinked"
    """The record's `prev_hash` is not the hash of the record before: one before it was changed or moved."""
    MISSING = "missing"
    """A `seq` is skipped: records were deleted."""
    TRUNCATED = "truncated"
    """The chain ends before the head row says it does: the newest records were deleted."""


@dataclass(frozen=True)
class BrokenRecord:
    seq: int
    problem: Problem
    detail: str


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    records: int
    head_seq: int
    head_hash: str
    broken: BrokenRecord | None = None


class ChainWalker:
    """Checks records in `seq` order, one at a time; `broken` is the first problem found, if any."""

    def __init__(self) -> None:
        self.expected_seq = 1
        self.prev_hash = GENESIS_HASH
        self.records = 0
        self.broken: BrokenRecord | None = None

    def check(self, record: Mapping[str, Any], *, prev_hash: str, hash_: str) -> bool:
        """Take the next record; False once the chain is broken."""
        if self.broken is not None:
            return False
        seq = int(record["seq"])
        if seq != self.expected_seq:
            self.broken = BrokenRecord(
                self.expected_seq, Problem.MISSING, f"record {self.expected_seq} is missing; next is {seq}"
            )
        elif chain_hash(prev_hash, record) != hash_:
            self.broken = BrokenRecord(seq, Problem.CHANGED, f"record {seq} does not match its hash")
        elif prev_hash != self.prev_hash:
            self.broken = BrokenRecord(
                seq, Problem.UNLINKED, f"record {seq} does not follow the hash of record {seq - 1}"
            )
        if self.broken is not None:
            return False
        self.records += 1
        self.expected_seq = seq + 1
        self.prev_hash = hash_
        return True

    def finish(self, *, head_seq: int, head_hash: str) -> None:
        """The walk ended: it must have reached the head the appenders left."""
        if self.broken is None and (self.expected_seq - 1 != head_seq or self.prev_hash != head_hash):
            self.broken = BrokenRecord(
                self.expected_seq,
                Problem.TRUNCATED,
                f"the chain ends at record {self.expected_seq - 1} but its head is record {head_seq}",
            )


def verify_exported(lines: Iterable[str]) -> ChainWalker:
    """Check an export offline, as docs/services/audit.md describes: each line links to the one before."""
    walker = ChainWalker()
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        prev_hash, hash_ = entry.pop("prev_hash"), entry.pop("hash")
        if not walker.check(entry, prev_hash=prev_hash, hash_=hash_):
            break
    return walker


@dataclass(frozen=True)
class Content:
    """What the records of one append say besides the resource each names."""

    access: Access
    action: AuditAction
    resource_type: str
    fields: list[str]


def _head_after(rows: Sequence[Mapping[str, Any]]) -> tuple[int, str]:
    return int(rows[-1]["seq"]), str(rows[-1]["hash"])


class AuditLog:
    """Appends records in the caller's transaction; verifies and exports the chain."""

    def __init__(
        self, records: Table, head: Table, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.records = records
        self.head = head
        self._clock = clock
        self._last_head: tuple[int, str] | None = None
        """The head as this log's latest append left it: a guess that the next append checks."""
        self._head_advanced = (
            update(head)
            .where(
                head.c.chain == CHAIN,
                head.c.seq == bindparam("expected_seq"),
                head.c.hash == bindparam("expected_hash"),
            )
            .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
        )

    async def record(
        self,
        session: AsyncSession,
        access: Access,
        *,
        action: AuditAction,
        resource_type: str,
        resource_ids: Sequence[str],
        fields: Iterable[str],
    ) -> None:
        """One record per resource id, appended to the chain inside `session`'s transaction.

        Two statements when the head is as this log last left it: advancing the head on that condition locks
        it, then the records go in. Otherwise (another process appended, or that transaction rolled back) the
        head is locked and read first.
        """
        if not resource_ids:
            return
        content = Content(access, action, resource_type, sorted(set(fields)))
        expected = self._last_head
        rows = self._chained(expected, resource_ids, content) if expected is not None else []
        if expected is None or not await self._advance_head(session, expected, _head_after(rows)):
            expected = await self._locked_head(session)
            rows = self._chained(expected, resource_ids, content)
            await self._advance_head(session, expected, _head_after(rows))
        await session.execute(insert(self.records), rows)
        self._last_head = _head_after(rows)

    def _chained(
        self, head: tuple[int, str], resource_ids: Sequence[str], content: Content
    ) -> list[dict[str, Any]]:
        """The rows to insert after `head`, each hashed onto the one before."""
        seq, prev_hash = head
        rows = []
        for resource_id in resource_ids:
            seq += 1
            record = _hashed(
                {
                    "seq": seq,
                    "record_id": str(uuid7()),
                    "recorded_at": self._clock(),
                    "actor": content.access.actor.subject,
                    "actor_source": content.access.actor.source.value,
                    "actor_role": content.access.actor.role,
                    "actor_client": content.access.actor.client,
                    "action": content.action.value,
                    "resource_type": content.resource_type,
                    "resource_id": resource_id,
                    "fields": content.fields,
                    "purpose": content.access.purpose,
                    "correlation_id": content.access.correlation_id,
                }
            )
            hash_ = chain_hash(prev_hash, record)
            rows.append(
                {
                    **record,
                    "recorded_at": datetime.fromisoformat(record["recorded_at"]),
                    "fields": json.dumps(content.fields, ensure_ascii=False),
                    "prev_hash": prev_hash,
                    "hash": hash_,
                }
            )
            prev_hash = hash_
        return rows

    async def _advance_head(
        self, session: AsyncSession, expected: tuple[int, str], new: tuple[int, str]
    ) -> bool:
        """Move the head from `expected` to `new`; False (nothing changed) when it is no longer `expected`."""
        result = await session.execute(
            self._head_advanced,
            {
                "expected_seq": expected[0],
                "expected_hash": expected[1],
                "new_seq": new[0],
                "new_hash": new[1],
            },
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _locked_head(self, session: AsyncSession) -> tuple[int, str]:
        head = (
            await session.execute(select(self.head).where(self.head.c.chain == CHAIN).with_for_update())
        ).one_or_none()
        if head is None:
            raise RuntimeError("the audit chain head is missing: run the service's migrations")
        return int(head.seq), str(head.hash)

    async def verify(self, sessions: async_sessionmaker[AsyncSession]) -> ChainReport:
        """Walk the chain up to the head as it is now; report the first broken record."""
        head_seq, head_hash = await self._head(sessions)
        walker = ChainWalker()
        async for row in self._rows(sessions, head_seq):
            if not walker.check(_hashed(row), prev_hash=row["prev_hash"], hash_=row["hash"]):
                break
        walker.finish(head_seq=head_seq, head_hash=head_hash)
        return ChainReport(
            ok=walker.broken is None,
            records=walker.records,
            head_seq=head_seq,
            head_hash=head_hash,
            broken=walker.broken,
        )

    async def export(self, sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[str]:
        """The chain up to the head as it is now, one JSON object a line, with `prev_hash` and `hash`."""
        head_seq, _ = await self._head(sessions)
        async for row in self._rows(sessions, head_seq):
            entry = {**_hashed(row), "prev_hash": row["prev_hash"], "hash": row["hash"]}
            yield json.dumps(entry, ensure_ascii=False) + "\n"

    async def _head(self, sessions: async_sessionmaker[AsyncSession]) -> tuple[int, str]:
        async with sessions() as session:
            head = (await session.execute(select(self.head).where(self.head.c.chain == CHAIN))).one()
        return int(head.seq), str(head.hash)

    async def _rows(
        self, sessions: async_sessionmaker[AsyncSession], head_seq: int
    ) -> AsyncIterator[RowMapping]:
        """Rows by `seq` up to `head_seq`, a batch per short read so a long walk holds no transaction open."""
        after = 0
        while True:
            async with sessions() as session:
                batch = (
                    (
                        await session.execute(
                            select(self.records)
                            .where(self.records.c.seq > after, self.records.c.seq <= head_seq)
                            .order_by(self.records.c.seq)
                            .limit(EXPORT_BATCH)
                        )
                    )
                    .mappings()
                    .all()
                )
            for row in batch:
                yield row
            if len(batch) < EXPORT_BATCH:
                return
            after = int(batch[-1]["seq"])


def append_only_statements(
    dialect: str, table: str = "audit_log", head: str = "audit_chain_head"
) -> list[str]:
    """DDL for a migration: triggers refusing UPDATE and DELETE on the records, DELETE on the head."""
    message = f"{table} is append-only"
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f"CREATE TRIGGER {head}_no_delete BEFORE DELETE ON {head} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ]
    return [
        f"CREATE FUNCTION {table}_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'insufficient_privilege'; END $$",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change()",
        f"CREATE TRIGGER {head}_no_delete BEFORE DELETE OR TRUNCATE ON {head} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_refuse_change()",
    ]


def chain_start(head: str = "audit_chain_head") -> str:
    """DDL for a migration: the head row of an empty chain."""
    return f"INSERT INTO {head} (chain, seq, hash) VALUES ('{CHAIN}', 0, '{GENESIS_HASH}')"
