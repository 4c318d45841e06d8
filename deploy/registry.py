"""The services that own a database: where their migrations and outbox are, and how to build their app.

Every service package follows the same layout (`app.create_app`, `models.outbox`, `migrations/`), so a
service is registered by its name and HTTP port alone. A service that consumes other services' events has a
`consumers` module (see `services.common.consumer_process`); its consumer group is named after the service.
"""

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

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
    """A service's place in the stack. Its app and consumers are imported only when asked for, so the
    supervisor, which migrates and re-publishes outboxes, does not load every service's routes."""

    name: str
    port_offset: int
    migrations_dir: Path
    outbox: Table
    has_consumers: bool

    def create_app(self, settings: ServiceSettings) -> FastAPI:
        app: FastAPI = importlib.import_module(f"services.{self.name}.app").create_app(settings)
        return app

    @property
    def consumers(self) -> ModuleType | None:
        """The `consumers` module (its `build_handler`), None for a service that consumes no events."""
        return importlib.import_module(f"services.{self.name}.consumers") if self.has_consumers else None


def _definition(name: str, port_offset: int) -> ServiceDefinition:
    models = importlib.import_module(f"services.{name}.models")
    return ServiceDefinition(
        name=name,
        port_offset=port_offset,
        migrations_dir=Path(str(models.__file__)).parent / "migrations",
        outbox=models.outbox,
        has_consumers=_has_consumers(name),
    )


def _has_consumers(service: str) -> bool:
    """Whether the service has a `consumers` module, found without importing it."""
    return importlib.util.find_spec(f"services.{service}.consumers") is not None


def service_definitions() -> dict[str, ServiceDefinition]:
    return {name: _definition(name, port) for name, port in SERVICE_PORT_OFFSETS.items()}


def service_definition(name: str) -> ServiceDefinition:
    if name not in SERVICE_PORT_OFFSETS:
        raise SystemExit(f"unknown service {name!r}; known: {', '.join(sorted(SERVICE_PORT_OFFSETS))}")
    return _definition(name, SERVICE_PORT_OFFSETS[name])


WORKFLOW_COMPONENTS = ("bridge", "worker")
"""The Kafka → Temporal bridge and the Temporal worker: no database of their own."""


def service_components(definition: ServiceDefinition) -> list[str]:
    """A service's components: its API (named after it), its outbox relay, and its consumer if it has one."""
    helpers = ["relay", "consumer"] if definition.has_consumers else ["relay"]
    return [definition.name, *(f"{definition.name}-{helper}" for helper in helpers)]


def hosted_service_names(components: list[str]) -> list[str]:
    """The services whose components (API, relay, consumer) are among `components`, in their order."""
    services = dict.fromkeys(component.partition("-")[0] for component in components)
    return [name for name in services if name in SERVICE_PORT_OFFSETS]


def component_names() -> list[str]:
    """Every component's name, found without importing the services (a process starts faster for it)."""
    names = [
        component
        for name in SERVICE_PORT_OFFSETS
        for component in (
            [name, f"{name}-relay", f"{name}-consumer"] if _has_consumers(name) else [name, f"{name}-relay"]
        )
    ]
    return [*names, *WORKFLOW_COMPONENTS]


Layout = Literal["compact", "split"]


COMPACT_HOT_PATH = "intake"
"""The service a registration enters by: a process of its own in the compact layout, so the rest of the
platform does not share its interpreter (and its GIL) while a burst of registrations comes in."""


def process_layout(layout: Layout) -> dict[str, list[str]]:
    """Which components share a process, by process name.

    `split`: one component a process, as docker-compose and a cluster run them, each scaled on its own.
    `compact` (the embedded default): three processes instead of twenty. `intake` (its API and relay), since
    every registration goes through it; `services`, every other service's API, relay and consumer, since
    none of them is on the registration's path and each Python process costs 75 to 100 MiB whatever it hosts;
    `journeys`, the bridge with the worker, since both only talk to Temporal.
    """
    definitions = service_definitions()
    if layout == "split":
        return {
            name: [name] for definition in definitions.values() for name in service_components(definition)
        } | {name: [name] for name in WORKFLOW_COMPONENTS}
    return {
        COMPACT_HOT_PATH: service_components(definitions[COMPACT_HOT_PATH]),
        "services": [
            component
            for name, definition in definitions.items()
            if name != COMPACT_HOT_PATH
            for component in service_components(definition)
        ],
        "journeys": list(WORKFLOW_COMPONENTS),
    }
