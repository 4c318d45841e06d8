"""The services that own a database: where their migrations and outbox are, and how to build their app."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Table

from services.common.settings import ServiceSettings


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    migrations_dir: Path
    outbox: Table
    create_app: Callable[[ServiceSettings], FastAPI]


def service_definitions() -> dict[str, ServiceDefinition]:
    from services.intake import app as intake_app
    from services.intake import models as intake_models

    return {
        "intake": ServiceDefinition(
            name="intake",
            migrations_dir=Path(intake_models.__file__).parent / "migrations",
            outbox=intake_models.outbox,
            create_app=intake_app.create_app,
        ),
    }


def service_definition(name: str) -> ServiceDefinition:
    definitions = service_definitions()
    if name not in definitions:
        raise SystemExit(f"unknown service {name!r}; known: {', '.join(sorted(definitions))}")
    return definitions[name]
