"""A light HTTP/1.1 client for load: keep-alive connections over asyncio streams, JSON bodies.

The benchmarks' load runs on the same two cores as the stack it measures, so what the client spends is taken
from the system under test. httpx spends about 3 ms of CPU a request here (its ceiling was about 280 req/s
on `/healthz`, with intake nearly idle); this client writes a prepared request head and reads the reply by
its `Content-Length` (or chunks), which costs a small fraction of that.
"""

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

REPLY_TIMEOUT_SECONDS = 60.0


class LoadClientError(Exception):
    """A reply the client cannot read, or one whose status says the request failed."""


@dataclass(frozen=True)
class Reply:
    status_code: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise LoadClientError(f"HTTP {self.status_code}: {self.body[:500]!r}")


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    def close(self) -> None:
        self.writer.close()


class LoadClient:
    """At most `connections` keep-alive connections to one `http://host:port`, each carrying one request at
    a time; a caller waits for a free one."""

    def __init__(self, base_url: str, headers: Mapping[str, str], *, connections: int) -> None:
        url = urlsplit(base_url)
        if url.scheme != "http" or url.hostname is None:
            raise ValueError(f"the load client speaks plain http to a host and port, not {base_url!r}")
        self._host = url.hostname
        self._port = url.port or 80
        fixed = {"Host": url.netloc, "Connection": "keep-alive", **headers}
        self._head_lines = "".join(f"{name}: {value}\r\n" for name, value in fixed.items())
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[_Connection] = []

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        while self._idle:
            self._idle.pop().close()

    async def get(self, path: str) -> Reply:
        return await self.request("GET", path)

    async def post(self, path: str, *, json: Any) -> Reply:
        return await self.request("POST", path, body=_json_bytes(json))

    async def request(self, method: str, path: str, *, body: bytes = b"") -> Reply:
        content = f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body else ""
        message = f"{method} {path} HTTP/1.1\r\n{self._head_lines}{content}\r\n".encode() + body
        async with self._slots:
            connection = await self._connection()
            try:
                async with asyncio.timeout(REPLY_TIMEOUT_SECONDS):
                    connection.writer.write(message)
                    reply, keep_alive = await _read_reply(connection.reader)
            except BaseException:
                connection.close()
                raise
            if keep_alive:
                self._idle.append(connection)
            else:
                connection.close()
            return reply

    async def _connection(self) -> _Connection:
        """A kept-alive connection the server has not closed while it was idle, or a new one."""
        while self._idle:
            connection = self._idle.pop()
            if not connection.reader.at_eof():
                return connection
            connection.close()
        reader, writer = await asyncio.open_connection(self._host, self._port)
        return _Connection(reader, writer)


def _json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


async def _read_reply(reader: asyncio.StreamReader) -> tuple[Reply, bool]:
    """One reply and whether the server keeps the connection open after it."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status_line, *header_lines = head.rstrip("\r\n").split("\r\n")
    version, status, *_ = status_line.split(" ", 2)
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunks(reader)
    else:
        raise LoadClientError(f"a reply without Content-Length or chunks: {status_line!r}")
    closes = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
    return Reply(int(status), body), not closes


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    """The chunks' data joined; the trailer fields after the last chunk are read and left unused."""
    chunks = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16):
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
    while await reader.readuntil(b"\r\n") != b"\r\n":
        pass
    return b"".join(chunks)
