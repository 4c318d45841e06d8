"""The benchmarks' load client against a real uvicorn server: keep-alive reuse, chunked replies, a server
that closes, and failed statuses."""

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.bench._http_load import LoadClient, LoadClientError, Reply


async def echo(request: Request) -> JSONResponse:
    assert request.client is not None
    return JSONResponse(
        {
            "client_port": request.client.port,
            "body": json.loads(await request.body()) if request.method == "POST" else None,
            "operator": request.headers.get("authorization"),
        },
        status_code=201 if request.method == "POST" else 200,
    )


async def chunks(_request: Request) -> StreamingResponse:
    async def parts() -> AsyncIterator[bytes]:
        for part in ('{"parts":', ' ["一", ', '"two"]}'):
            yield part.encode()

    return StreamingResponse(parts(), media_type="application/json")


async def closing(_request: Request) -> Response:
    return Response(b"{}", media_type="application/json", headers={"Connection": "close"})


async def refusing(_request: Request) -> JSONResponse:
    return JSONResponse({"code": "validation_failed"}, status_code=422)


APP = Starlette(
    routes=[
        Route("/echo", echo, methods=["GET", "POST"]),
        Route("/chunks", chunks),
        Route("/closing", closing),
        Route("/refusing", refusing),
    ]
)


def client_port(reply: Reply) -> int:
    """The port the server saw the request come from, which names the connection it came on."""
    assert reply.status_code == 200, reply.body
    return int(reply.json()["client_port"])


@contextlib.asynccontextmanager
async def serving(**config: Any) -> AsyncIterator[tuple[str, uvicorn.Server]]:
    """Its URL and uvicorn serving APP on a socket that listens before uvicorn starts, so that a first
    request waits in the backlog."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    listening.listen()
    server = uvicorn.Server(uvicorn.Config(APP, log_level="warning", lifespan="off", **config))
    running = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}", server
    finally:
        server.should_exit = True
        await running
        listening.close()


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    async with serving() as (url, _server):
        yield url


async def test_a_json_post_is_sent_with_the_client_headers_and_its_reply_read(base_url: str) -> None:
    async with LoadClient(base_url, {"Authorization": "Bearer t"}, connections=1) as http:
        reply = await http.post("/echo", json={"full_name": "王秀兰"})
    assert reply.status_code == 201
    assert reply.json()["body"] == {"full_name": "王秀兰"}
    assert reply.json()["operator"] == "Bearer t"


async def test_requests_in_turn_share_one_kept_alive_connection(base_url: str) -> None:
    async with LoadClient(base_url, {}, connections=1) as http:
        replies = [await http.get("/echo") for _ in range(3)]
    assert len({client_port(reply) for reply in replies}) == 1


async def test_concurrent_requests_open_at_most_the_connections_allowed(base_url: str) -> None:
    async with LoadClient(base_url, {}, connections=2) as http:
        replies = await asyncio.gather(*(http.get("/echo") for _ in range(10)))
    assert len({client_port(reply) for reply in replies}) <= 2


async def test_a_chunked_reply_is_read_whole_and_the_connection_kept(base_url: str) -> None:
    async with LoadClient(base_url, {}, connections=1) as http:
        first = await http.get("/chunks")
        after = await http.get("/chunks")
    assert first.status_code == after.status_code == 200
    assert first.json() == after.json() == {"parts": ["一", "two"]}


async def test_a_connection_the_server_closes_is_replaced(base_url: str) -> None:
    async with LoadClient(base_url, {}, connections=1) as http:
        await http.get("/closing")
        assert (await http.get("/echo")).status_code == 200


async def test_a_failed_status_raises_with_the_reply_body(base_url: str) -> None:
    async with LoadClient(base_url, {}, connections=1) as http:
        reply = await http.get("/refusing")
    assert reply.status_code == 422
    with pytest.raises(LoadClientError, match="validation_failed"):
        reply.raise_for_status()


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async with serving(timeout_keep_alive=1) as (url, server), LoadClient(url, {}, connections=1) as http:
        first = client_port(await http.get("/echo"))
        async with asyncio.timeout(60):
            while True:
                if not server.server_state.connections:
                    break
                await asyncio.sleep(0.05)
        assert client_port(await http.get("/echo")) != first


def test_only_plain_http_urls_are_accepted() -> None:
    with pytest.raises(ValueError, match="plain http"):
        LoadClient("https://localhost:8443", {}, connections=1)
