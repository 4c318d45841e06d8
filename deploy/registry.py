"""The services that own a database: where their migrations and outbox are, and how to build their app.

Every service package follows the same layout (`app.create_app`, `models.outbox`, `migrations/`), so a
service is registered by its name and HTTP port alone. A service that consumes other services' events has a
`consumers` module (see `services.common.consumer_process`); its consumer group is named after the service.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI
from sqlalchemy import Table

from services.common.settings import ServiceSettings

SERVICE_PORT_OFFSETS: dict[str, int] = {
    "intake": 0,
    "training": 1,
    "placement": 2,
    "identity": 4,
    "complaints": 3,
    "benefits": 5,
    "console": -1,
}
"""Every service by name, with its HTTP port's offset from the stack's first service port (8001)."""


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    port_offset: int
    migrations_dir: Path
    outbox: Table
    create_app: Callable[[ServiceSettings], FastAPI]
    consumers: ModuleType | None


def _definition(name: str, port_offset: int) -> ServiceDefinition:
    app = importlib.import_module(f"services.{name}.app")
    models = importlib.import_module(f"services.{name}.models")
    try:
        consumers: ModuleType | None = importlib.import_module(f"services.{name}.consumers")
    except ModuleNotFoundError as missing:
        if missing.name != f"services.{name}.consumers":
            raise
        consumers = None
    return ServiceDefinition(
        name=name,
        port_offset=port_offset,
        migrations_dir=Path(str(models.__file__)).parent / "migrations",
        outbox=models.outbox,
        create_app=app.create_app,
        consumers=consumers,
    )


def service_definitions() -> dict[str, ServiceDefinition]:
    return {name: _definition(name, port) for name, port in SERVICE_PORT_OFFSETS.items()}


def service_definition(name: str) -> ServiceDefinition:
    if name not in SERVICE_PORT_OFFSETS:
        raise SystemExit(f"unknown service {name!r}; known: {', '.join(sorted(SERVICE_PORT_OFFSETS))}")
    return _definition(name, SERVICE_PORT_OFFSETS[name])
