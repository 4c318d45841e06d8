"""`make up`: the whole system on the embedded stack, each process supervised and restarted when it dies.

Order: broker and Temporal, with every migration beside them; topics; then every service, relay, the bridge
and the worker.
When the broker dies it is restarted and the topics created again; the relays notice the lost messages
and publish them again, and the consumers (whose group offsets were lost too) re-read and dedupe.
"""

import asyncio
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.topics import ALL_TOPICS
from deploy.dev import components
from deploy.dev.lifelines import DataDirectoryLock, stop_signals_held, tied_to_this_process
from deploy.dev.migrating import MigrationFailed, MigrationsInBackground
from deploy.registry import (
    Layout,
    ServiceDefinition,
    hosted_service_names,
    process_layout,
    service_definitions,
)
from services.common.db import create_engine, session_factory
from services.common.kafka import ensure_topics
from services.common.logging import configure_logging
from services.common.relay import requeue
from services.common.settings import service_scope

log = logging.getLogger("stack")

RESTART_BACKOFF_MAX_SECONDS = 30.0
STEADY_SECONDS = 30.0
"""A process that ran this long before it died is restarted at once: the backoff is for crash loops."""
WATCH_SECONDS = 0.1
APPLICATION_STOP_GRACE_SECONDS = 5.0
INFRASTRUCTURE_STOP_GRACE_SECONDS = 3.0
"""Together under the 10 s in which every child is gone after Ctrl-C or SIGTERM, whatever state it is in."""
WORKER_CLIENT = "temporal-worker"


class StackSettings(BaseSettings):
    """Ports and places of the embedded stack (`REEMPLOY_STACK_*`)."""

    model_config = SettingsConfigDict(env_prefix="REEMPLOY_STACK_")

    var_dir: Path = Path("var")
    host: str = "127.0.0.1"
    broker_port: int = 9092
    temporal_port: int = 7233
    temporal_ui_port: int = 8233
    first_service_port: int = 8001
    first_ops_port: int = 9101
    layout: Layout = Field(
        default="compact",
        description="compact: components share processes (deploy/registry.py); split: one each",
    )
    ready_timeout_seconds: float = Field(
        default=600.0,
        gt=0,
        description="The overall bound on start-up; a process that dies while starting fails it at once",
    )


class StartupFailed(RuntimeError):
    """A process of the stack died, or was not ready within the overall bound, while the stack started."""


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready_urls: list[str] = field(default_factory=list)
    infrastructure: bool = False
    kafka_client: bool = False


@dataclass
class Supervised:
    spec: ProcessSpec
    log_file: IO[bytes]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def start(self) -> None:
        self.started_at = datetime.now(UTC)
        with stop_signals_held():
            self.process = subprocess.Popen(
                self.spec.argv,
                env={**os.environ, **self.spec.env},
                stdout=self.log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=tied_to_this_process(),
            )

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def stop(self) -> None:
        self.signal(signal.SIGTERM)

    def signal(self, signum: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signum)

    def wait_or_kill(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Stack:
    def __init__(self, settings: StackSettings) -> None:
        self.settings = settings
        self.var_dir = settings.var_dir.resolve()
        self.log_dir = self.var_dir / "log"
        self.bootstrap = f"{settings.host}:{settings.broker_port}"
        self.temporal_address = f"{settings.host}:{settings.temporal_port}"
        self.processes: list[Supervised] = []
        self.endpoints: dict[str, str] = {}
        self.stopping = False

    def plan(self) -> list[ProcessSpec]:
        """Every process of the stack, infrastructure first, with its environment and readiness URL."""
        host = self.settings.host
        reemploy = [sys.executable, "-m", "deploy"]
        common = {
            "REEMPLOY_KAFKA_BOOTSTRAP": self.bootstrap,
            "REEMPLOY_TEMPORAL_ADDRESS": self.temporal_address,
            "REEMPLOY_OPS_HOST": host,
            "REEMPLOY_HTTP_HOST": host,
            "REEMPLOY_KAFKA_ASSIGN_ALL_PARTITIONS": "true",
            "REEMPLOY_STICKY_QUEUE_TIMEOUT_SECONDS": "1",
            "REEMPLOY_WORKFLOW_TASK_TIMEOUT_SECONDS": "2",
        }
        specs = [
            ProcessSpec(
                "broker", components.broker_command(host, self.settings.broker_port), infrastructure=True
            ),
            ProcessSpec(
                "temporal",
                components.temporal_command(
                    host,
                    self.settings.temporal_port,
                    self.settings.temporal_ui_port,
                    self.var_dir / "temporal.db",
                ),
                infrastructure=True,
            ),
        ]
        self.endpoints = {
            "kafka": f"kafka://{self.bootstrap}",
            "temporal": f"grpc://{self.temporal_address}",
            "temporal-ui": f"http://{host}:{self.settings.temporal_ui_port}",
        }
        ops_port = self.settings.first_ops_port
        definitions = service_definitions()
        issuer = f"http://{host}:{self.http_port(definitions['identity'])}"
        common |= {
            "REEMPLOY_AUTH_ISSUER": issuer,
            "REEMPLOY_AUTH_JWKS_URL": f"{issuer}/.well-known/jwks.json",
        }
        common |= {
            f"REEMPLOY_{name.upper()}_URL": f"http://{host}:{self.http_port(definition)}"
            for name, definition in definitions.items()
        }
        worker_client = {
            "REEMPLOY_TOKEN_URL": f"{issuer}/oauth2/token",
            "REEMPLOY_CLIENT_ID": WORKER_CLIENT,
            "REEMPLOY_CLIENT_SECRET": self.worker_client_secret(),
        }
        for process, hosted in process_layout(self.settings.layout).items():
            env = dict(common)
            ready_urls = []
            for service in (definitions[name] for name in hosted_service_names(hosted)):
                scope = service_scope(service.name)
                env[f"{scope}DATABASE_URL"] = self.database_url(service.name)
                if service.name in hosted:
                    http_port = self.http_port(service)
                    env[f"{scope}HTTP_PORT"] = str(http_port)
                    ready_urls.append(f"http://{host}:{http_port}/readyz")
                    self.endpoints[service.name] = f"http://{host}:{http_port}"
                    self.endpoints[f"{service.name}-docs"] = f"http://{host}:{http_port}/docs"
                if service.name == "identity":
                    env["REEMPLOY_IDENTITY_SERVICE_CLIENTS"] = json.dumps(
                        {WORKER_CLIENT: worker_client["REEMPLOY_CLIENT_SECRET"]}
                    )
            if "worker" in hosted:
                env |= worker_client
            helpers = [name for name in hosted if name not in definitions]
            if helpers:
                env["REEMPLOY_OPS_PORT"] = str(ops_port)
                ready_urls.append(f"http://{host}:{ops_port}/readyz")
                self.endpoints |= dict.fromkeys(helpers, f"http://{host}:{ops_port}")
                ops_port += 1
            specs.append(
                ProcessSpec(
                    process,
                    [*reemploy, "host", *hosted],
                    env,
                    ready_urls,
                    kafka_client=any(name != "worker" and name not in definitions for name in hosted),
                )
            )
        return specs

    def http_port(self, definition: ServiceDefinition) -> int:
        return self.settings.first_service_port + definition.port_offset

    def worker_client_secret(self) -> str:
        """The worker's client secret, made on the first `make up` and kept (owner-only) in the var dir;
        identity registers the worker as a `service` client with it."""
        path = self.var_dir / "worker-client-secret"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_urlsafe(32))
        return path.read_text().strip()

    def database_url(self, service: str) -> str:
        return f"sqlite+aiosqlite:///{self.var_dir / f'{service}.db'}"

    def start(self) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        specs = self.plan()
        self._refuse_taken_ports()
        infrastructure = [spec for spec in specs if spec.infrastructure]
        for spec in infrastructure:
            self._launch(spec)
        migrations = MigrationsInBackground(
            {name: self.database_url(name) for name in service_definitions()}, self.log_dir / "migrate.log"
        )
        broker, temporal = self.processes
        host = self.settings.host
        self._wait_for(
            "the broker's port", lambda: components.port_is_open(host, self.settings.broker_port), [broker]
        )
        asyncio.run(ensure_topics(self.bootstrap, ALL_TOPICS))
        self._wait_for(
            "Temporal's port", lambda: components.port_is_open(host, self.settings.temporal_port), [temporal]
        )
        asyncio.run(components.wait_for_temporal(self.temporal_address, timeout=60))
        try:
            migrations.join()
        except MigrationFailed as failed:
            raise StartupFailed(f"{failed}; see {self.log_dir / 'migrate.log'}") from failed
        for spec in specs:
            if not spec.infrastructure:
                self._launch(spec)
        self._wait_until_ready()
        (self.var_dir / "endpoints.json").write_text(json.dumps(self.endpoints, indent=2) + "\n")

    def supervise(self) -> None:
        """Restart what dies, at once unless it keeps dying (then with backoff); a dead broker is recovered
        with its clients frozen."""
        while not self.stopping:
            now = time.monotonic()
            for member in self.processes:
                if not member.exited() or now < member.next_start:
                    continue
                code = member.process.returncode if member.process else None
                log.warning(
                    "process exited; restarting", extra={"member": member.spec.name, "exit_code": code}
                )
                lived = (datetime.now(UTC) - member.started_at).total_seconds()
                member.restarts = 1 if lived >= STEADY_SECONDS else member.restarts + 1
                member.next_start = now + min(RESTART_BACKOFF_MAX_SECONDS, 0.5 * 2 ** min(member.restarts, 6))
                if member.spec.name == "broker":
                    self._recover_broker(member)
                else:
                    member.start()
            time.sleep(WATCH_SECONDS)

    def _recover_broker(self, broker: Supervised) -> None:
        """Bring an empty broker back so that nothing it held is lost.

        The Kafka clients are frozen (SIGSTOP) until the topics exist again, so none can auto-create a topic
        before it is created on purpose (the embedded broker mis-stores such a topic). Then every outbox row
        published while the dead broker lived is queued again; a relay that lived through it finds the same
        rows itself, since the new broker has a new id, and so does one that marks a batch acknowledged by the
        dead broker after this. The consumers re-read from the start and dedupe.
        """
        lost_since, lost_by = broker.started_at, datetime.now(UTC)
        clients = [member for member in self.processes if member.spec.kafka_client]
        for member in clients:
            member.signal(signal.SIGSTOP)
        try:
            broker.spec.argv = components.broker_command(self.settings.host, self.settings.broker_port)
            broker.start()
            self._recreate_topics()
        finally:
            for member in clients:
                member.signal(signal.SIGCONT)
        requeued = asyncio.run(self._requeue_lost(lost_since, lost_by))
        log.warning("broker restarted empty; its messages are published again", extra={"requeued": requeued})

    async def _requeue_lost(self, since: datetime, before: datetime) -> dict[str, int]:
        """Queue again, in every service's outbox, the rows published in [since, before)."""

        async def one(definition: ServiceDefinition) -> int:
            engine = create_engine(self.database_url(definition.name))
            try:
                return await requeue(
                    session_factory(engine),
                    definition.outbox,
                    published_since=since,
                    published_before=before,
                )
            finally:
                await engine.dispose()

        definitions = list(service_definitions().values())
        counts = await asyncio.gather(*(one(definition) for definition in definitions))
        return {definition.name: count for definition, count in zip(definitions, counts, strict=True)}

    def stop(self) -> None:
        """Stop the application processes, then Temporal and the broker; kill what outstays its grace."""
        self.stopping = True
        for group, grace in (
            ([m for m in self.processes if not m.spec.infrastructure], APPLICATION_STOP_GRACE_SECONDS),
            ([m for m in self.processes if m.spec.infrastructure], INFRASTRUCTURE_STOP_GRACE_SECONDS),
        ):
            for member in group:
                member.stop()
            deadline = time.monotonic() + grace
            for member in group:
                member.wait_or_kill(deadline)
        for member in self.processes:
            member.log_file.close()

    def _launch(self, spec: ProcessSpec) -> None:
        member = Supervised(spec, (self.log_dir / f"{spec.name}.log").open("ab"))
        member.start()
        self.processes.append(member)

    def _recreate_topics(self) -> None:
        try:
            components.wait_for_port(
                self.settings.host, self.settings.broker_port, timeout=30, what="the broker"
            )
            asyncio.run(ensure_topics(self.bootstrap, ALL_TOPICS))
        except (TimeoutError, OSError, RuntimeError):
            log.exception("could not recreate topics after a broker restart")

    def _wait_until_ready(self) -> None:
        """Wait for every process's readiness, as long as each is alive and the overall bound holds."""
        waiting = [m for m in self.processes if m.spec.ready_urls]
        with httpx.Client(timeout=2.0) as http:

            def all_ready() -> bool:
                waiting[:] = [
                    m for m in waiting if not all(_is_ready(http, url) for url in m.spec.ready_urls)
                ]
                return not waiting

            self._wait_for("ready", all_ready, waiting)

    def _wait_for(self, what: str, done: Callable[[], bool], members: list["Supervised"]) -> None:
        """Wait while `members` are starting: fail at once, naming it, when one dies, or past the bound."""
        deadline = time.monotonic() + self.settings.ready_timeout_seconds
        while not done():
            dead = [m for m in members if m.exited()]
            if dead:
                raise StartupFailed(
                    "\n".join(
                        f"{m.spec.name} exited (code {m.process.returncode if m.process else None}) before "
                        f"it was {what}; its log ({self.log_dir / (m.spec.name + '.log')}) ends:\n"
                        f"{self._log_tail(m.spec.name)}"
                        for m in dead
                    )
                )
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {m.spec.name}:\n{self._log_tail(m.spec.name)}" for m in members)
                raise StartupFailed(
                    f"not {what} within {self.settings.ready_timeout_seconds:.0f} s: "
                    f"{', '.join(m.spec.name for m in members)} (logs in {self.log_dir}):\n{tails}"
                )
            time.sleep(0.2)

    def _log_tail(self, name: str, lines: int = 15) -> str:
        path = self.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def _refuse_taken_ports(self) -> None:
        taken = [
            url
            for url in self.endpoints.values()
            if (port := _port_of(url)) is not None and components.port_is_open(self.settings.host, port)
        ]
        if taken:
            raise SystemExit(f"ports already in use (is another stack running?): {', '.join(taken)}")


def _is_ready(http: httpx.Client, url: str) -> bool:
    try:
        return http.get(url).status_code == 200
    except httpx.HTTPError:
        return False


def _port_of(url: str) -> int | None:
    tail = url.rsplit(":", 1)[-1].split("/", 1)[0]
    return int(tail) if tail.isdigit() else None


def run_stack() -> None:
    configure_logging("INFO", "stack")
    stack = Stack(StackSettings())
    lock = DataDirectoryLock(stack.var_dir)
    lock.acquire()
    signal.signal(signal.SIGTERM, _interrupt)
    started = time.monotonic()
    failure: StartupFailed | None = None
    try:
        stack.start()
        _print_endpoints(stack, time.monotonic() - started)
        stack.supervise()
    except KeyboardInterrupt:
        pass
    except StartupFailed as failed:
        failure = failed
    finally:
        _ignore_interrupts()
        sys.stdout.write("\nStopping Reemploy…\n")
        stack.stop()
        lock.release()
    if failure is not None:
        raise SystemExit(f"Reemploy did not start: {failure}")


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _ignore_interrupts() -> None:
    """A second Ctrl-C while stopping must not cut the stop short: the children run in sessions of their own,
    so a supervisor that died half-way would leave them running."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _print_endpoints(stack: Stack, seconds: float) -> None:
    width = max(len(name) for name in stack.endpoints)
    lines = [f"\nReemploy is up ({seconds:.1f} s). Logs in {stack.log_dir}; Ctrl-C stops everything.\n"]
    lines += [f"  {name.ljust(width)}  {url}" for name, url in stack.endpoints.items()]
    lines.append(f"\nEndpoints written to {stack.var_dir / 'endpoints.json'}\n")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
