"""Identity, intake, placement and the console on real ports in this process, with their events carried
from each outbox to the consumers' handlers (the relay and Kafka's part, done by polling the outboxes)."""

import asyncio
import socket
from contextlib import AsyncExitStack
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import Envelope
from deploy.registry import service_definition
from services.common.client_credentials import ClientCredentials
from services.common.consumer import EventHandler
from services.common.db import create_engine, session_factory
from services.common.settings import ServiceSettings
from services.console.app import create_app as create_console
from services.console.consumers import build_handler as console_handler
from services.console.settings import ConsoleSettings
from services.identity.settings import IdentitySettings
from services.placement.consumers import build_handler as placement_handler
from tests.infrastructure import migrated_database

SERVICES = ("identity", "intake", "placement", "console")
SETUP_CLIENT = "scene-setter"
SETUP_SECRET = "a-secret-for-the-console-story-setup"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Stack:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ports = {name: free_port() for name in SERVICES}
        self.sessions: dict[str, async_sessionmaker[AsyncSession]] = {}
        self.stop = asyncio.Event()
        self._resources = AsyncExitStack()
        self._tasks: list[asyncio.Task[Any]] = []

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def setup_auth(self) -> ClientCredentials:
        """The token of the platform's own `service` client that sets the scene, as the journey would."""
        return ClientCredentials(f"{self.url('identity')}/oauth2/token", SETUP_CLIENT, SETUP_SECRET)

    async def start(self) -> None:
        issuer = self.url("identity")
        common: dict[str, Any] = {"auth_issuer": issuer, "auth_jwks_url": f"{issuer}/.well-known/jwks.json"}
        for name in SERVICES:
            url = await self._resources.enter_async_context(
                migrated_database("sqlite", self.directory, service_definition(name).migrations_dir)
            )
            engine = create_engine(url)
            self._resources.push_async_callback(engine.dispose)
            self.sessions[name] = session_factory(engine)
            await self._serve(name, self._app(name, url, common))
        handlers = {
            "console": console_handler(self.sessions["console"]),
            "placement": placement_handler(self.sessions["placement"]),
        }
        self._tasks.append(asyncio.create_task(self._carry_events(handlers)))

    def _app(self, name: str, url: str, common: dict[str, Any]) -> FastAPI:
        if name == "identity":
            settings = IdentitySettings(
                database_url=url,
                identity_key_publication_seconds=0,
                identity_jwks_max_age_seconds=0,
                identity_password_time_cost=1,
                identity_password_memory_kib=8192,
                identity_service_clients={SETUP_CLIENT: SecretStr(SETUP_SECRET)},
                **common,
            )
            return service_definition(name).create_app(settings)
        if name == "console":
            console = ConsoleSettings(
                database_url=url,
                identity_url=self.url("identity"),
                intake_url=self.url("intake"),
                placement_url=self.url("placement"),
                console_live_poll_seconds=0.2,
                **common,
            )
            return create_console(console, today=date.today)
        return service_definition(name).create_app(ServiceSettings(database_url=url, **common))

    async def _serve(self, name: str, app: FastAPI) -> None:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.ports[name], log_level="warning", lifespan="on"
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        self._tasks.append(task)

        async def shut_down() -> None:
            server.should_exit = True
            await task

        self._resources.push_async_callback(shut_down)
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)

    async def _carry_events(self, handlers: dict[str, EventHandler]) -> None:
        """Every event of intake and placement to the console; intake's to placement too, in outbox order."""
        routes = {"intake": ("placement", "console"), "placement": ("console",)}
        positions = dict.fromkeys(routes, 0)
        while not self.stop.is_set():
            for producer, consumers in routes.items():
                outbox = service_definition(producer).outbox
                async with self.sessions[producer]() as session:
                    rows = (
                        await session.execute(
                            select(outbox.c.seq, outbox.c.payload)
                            .where(outbox.c.seq > positions[producer])
                            .order_by(outbox.c.seq)
                        )
                    ).all()
                for seq, payload in rows:
                    envelope = Envelope.model_validate_json(payload)
                    for consumer in consumers:
                        await handlers[consumer](envelope)
                    positions[producer] = seq
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        self.stop.set()
        for task in self._tasks[-1:]:
            await task
        await self._resources.aclose()


def answer(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()
