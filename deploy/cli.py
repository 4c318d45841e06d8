"""`reemploy`: one command for every process and operator task."""

import argparse
import asyncio
import os
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import uvloop

from contracts.topics import ALL_TOPICS
from deploy.registry import SERVICE_PORT_OFFSETS, component_names, hosted_service_names, service_definition
from services.common import kafka
from services.common.db import create_engine, session_factory, share_sqlite_engines
from services.common.logging import configure_logging
from services.common.relay import requeue
from services.common.settings import (
    ConsumerSettings,
    KitSettings,
    RelaySettings,
    ServiceConsumerSettings,
    ServiceSettings,
    WorkerSettings,
    service_scope,
    service_scoped,
)

if TYPE_CHECKING:
    from deploy import processes


def _serve(args: argparse.Namespace) -> None:
    _host([args.service])


def _relay(args: argparse.Namespace) -> None:
    _host([f"{args.service}-relay"])


def _bridge(_args: argparse.Namespace) -> None:
    _host(["bridge"])


def _consume(args: argparse.Namespace) -> None:
    _host([f"{args.service}-consumer"])


def _worker(_args: argparse.Namespace) -> None:
    _host(["worker"])


def _host_command(args: argparse.Namespace) -> None:
    _host(args.components)


def _host(names: Sequence[str]) -> None:
    """Run the named components in this process; an ops server when any has no HTTP API of its own."""
    from deploy import processes

    _refuse_shared_databases(names)
    settings = KitSettings()
    configure_logging(settings.log_level, "+".join(names))
    if len(names) > 1:
        share_sqlite_engines()
    components = {name: _component(name) for name in names}
    serves_ops = any(name not in SERVICE_PORT_OFFSETS for name in names)
    uvloop.run(processes.host(components, (settings.ops_host, settings.ops_port) if serves_ops else None))


def _refuse_shared_databases(names: Sequence[str]) -> None:
    """Several services in one process need a database each (`REEMPLOY_<SERVICE>__DATABASE_URL`): with the
    plain `REEMPLOY_DATABASE_URL` alone they would all write one."""
    variables = [f"{service_scope(service)}DATABASE_URL" for service in hosted_service_names(list(names))]
    unscoped = [variable for variable in variables if variable not in os.environ]
    if len(variables) > 1 and unscoped:
        raise SystemExit(f"services hosted together need their own databases; set {', '.join(unscoped)}")


def _component(name: str) -> "processes.Component":
    from deploy import processes

    service, _, role = name.partition("-")
    if name in ("bridge", "worker"):
        from deploy import journey_processes

        if name == "bridge":
            return journey_processes.bridge(ConsumerSettings())
        return journey_processes.worker(WorkerSettings())
    if service in SERVICE_PORT_OFFSETS and role == "":
        return processes.api(service, service_scoped(ServiceSettings, service))
    if service in SERVICE_PORT_OFFSETS and role == "relay":
        return processes.relay(service, service_scoped(RelaySettings, service))
    if service in SERVICE_PORT_OFFSETS and role == "consumer":
        return processes.service_consumer(service, service_scoped(ServiceConsumerSettings, service))
    raise SystemExit(f"unknown component {name!r}; known: {', '.join(component_names())}")


def _migrate(args: argparse.Namespace) -> None:
    from services.common.migrations import upgrade  # Alembic, about 10 MiB, only in the process that migrates

    settings = service_scoped(ServiceSettings, args.service)
    configure_logging(settings.log_level, "migrate")
    asyncio.run(upgrade(service_definition(args.service).migrations_dir, settings.database_url))


def _replay(args: argparse.Namespace) -> None:
    settings = service_scoped(ServiceSettings, args.service)
    configure_logging(settings.log_level, "replay")
    outbox = service_definition(args.service).outbox

    async def replay() -> int:
        engine = create_engine(settings.database_url)
        try:
            return await requeue(
                session_factory(engine),
                outbox,
                first_seq=args.from_seq,
                last_seq=args.to_seq,
                published_since=args.published_since,
            )
        finally:
            await engine.dispose()

    if args.from_seq is None and args.to_seq is None and args.published_since is None:
        raise SystemExit("say what to replay: --from-seq/--to-seq and/or --published-since")
    count = asyncio.run(replay())
    _say(f"{count} outbox rows of {args.service} queued for publishing again")


def _topics(_args: argparse.Namespace) -> None:
    settings = KitSettings()
    configure_logging(settings.log_level, "topics")
    created = asyncio.run(
        kafka.ensure_topics(
            settings.kafka_bootstrap, ALL_TOPICS, replication_factor=settings.kafka_replication_factor
        )
    )
    _say(f"topics ready ({len(created)} created): {', '.join(ALL_TOPICS)}")


def _contracts(args: argparse.Namespace) -> None:
    from tools.contracts import check_contracts, write_contracts

    if args.check:
        stale = check_contracts()
        if stale:
            raise SystemExit("stale contract files (run `make contracts`): " + ", ".join(stale))
        _say("contracts are up to date")
    else:
        for path in write_contracts():
            _say(f"wrote {path}")


def _up(_args: argparse.Namespace) -> None:
    from deploy.dev.stack import run_stack

    run_stack()


def _say(line: str) -> None:
    import sys

    sys.stdout.write(line + "\n")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="reemploy", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    services = sorted(SERVICE_PORT_OFFSETS)

    def add(name: str, handler: object, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text)
        command.set_defaults(handler=handler)
        return command

    add("serve", _serve, "run a service's HTTP API").add_argument("service", choices=services)
    add("relay", _relay, "run a service's outbox relay").add_argument("service", choices=services)
    add("consume", _consume, "run a service's consumer of other services' events").add_argument(
        "service", choices=services
    )
    add("bridge", _bridge, "run the Kafka → Temporal bridge")
    add("worker", _worker, "run the Temporal worker")
    add("host", _host_command, "run several components in one process (the compact layout)").add_argument(
        "components", nargs="+", choices=component_names(), metavar="component"
    )
    add("migrate", _migrate, "migrate a service's database to the newest revision").add_argument(
        "service", choices=services
    )
    replay = add("replay", _replay, "publish a range of a service's outbox again")
    replay.add_argument("service", choices=services)
    replay.add_argument("--from-seq", type=int, help="first outbox seq (inclusive)")
    replay.add_argument("--to-seq", type=int, help="last outbox seq (inclusive)")
    replay.add_argument(
        "--published-since",
        type=datetime.fromisoformat,
        help="only rows published at or after this ISO time with zone (e.g. when a lost broker started)",
    )
    add("topics", _topics, "create every Kafka topic that does not exist yet")
    add("contracts", _contracts, "regenerate contracts/ (or --check that they are current)").add_argument(
        "--check", action="store_true"
    )
    add("up", _up, "run the whole system on the embedded stack")
    return root


def main(argv: Sequence[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.handler(args)
