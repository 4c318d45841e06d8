"""Typed settings, read from `REEMPLOY_*` environment variables in each process's composition root."""

import os
from typing import Any, Literal, TypeVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me"
KAFKA_FETCH_MAX_WAIT_MS = 100


class KitSettings(BaseSettings):
    """What every process needs: where the broker and Temporal are, and how to log."""

    model_config = SettingsConfigDict(env_prefix="REEMPLOY_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    secret_key: str = DEVELOPMENT_SECRET
    log_level: str = "INFO"
    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_session_timeout_ms: int = Field(default=6000, ge=1000)
    kafka_assign_all_partitions: bool = Field(
        default=False,
        description="A consumer takes every partition itself instead of joining its group (commits still go "
        "to the group): for one member a group, as the embedded stack runs them, so a restarted one reads "
        "at once instead of after the broker's rebalance delay and its dead predecessor's session timeout",
    )
    kafka_replication_factor: int = Field(default=1, ge=1)
    kafka_fetch_max_wait_ms: int = Field(
        default=KAFKA_FETCH_MAX_WAIT_MS,
        ge=1,
        description="How long the broker may hold a consumer's fetch that finds nothing new: on Tansu, which "
        "answers only when the wait runs out, what an event waits on average on each hop is half of it",
    )
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    journey_time_scale: float = Field(
        default=1.0, gt=0, description="Compresses every journey interval (86400: a day passes in a second)"
    )
    ops_host: str = "127.0.0.1"
    ops_port: int = Field(default=9100, ge=0, le=65535)

    @model_validator(mode="after")
    def _refuse_default_secret_in_production(self) -> "KitSettings":
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("REEMPLOY_SECRET_KEY must be set to a real secret in production")
        return self


class ServiceSettings(KitSettings):
    """A process that owns a database: an HTTP service or its relay."""

    database_url: str = "sqlite+aiosqlite:///var/intake.db"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8001, ge=0, le=65535)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    bulk_max_body_bytes: int = Field(default=16_777_216, ge=1024, description="For batch uploads")
    auth_issuer: str = Field(
        default="http://127.0.0.1:8005",
        description="The `iss` every accepted token carries (identity or OIDC)",
    )
    auth_audience: str = Field(default="reemploy", description="The `aud` every accepted token must name")
    auth_jwks_url: str = Field(
        default="http://127.0.0.1:8005/.well-known/jwks.json",
        description="Where the issuer publishes its signing keys (JWKS)",
    )
    agency_rate_per_minute: float = Field(
        default=120, gt=0, description="Requests a minute each agency client may make to the agency APIs"
    )
    agency_burst: int = Field(default=30, ge=1, description="Requests an agency client may make at once")


class RelaySettings(ServiceSettings):
    relay_batch_size: int = Field(default=500, ge=1, le=10_000)
    relay_idle_poll_seconds: float = Field(
        default=0.05, gt=0, description="The first wait for new rows once the outbox is drained"
    )
    relay_max_idle_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description="The wait doubles up to this while the outbox stays empty; a commit in the same process "
        "wakes the relay at once",
    )
    relay_max_backoff_seconds: float = Field(
        default=1.0, gt=0, description="The wait between failed attempts doubles from 0.1 s up to this"
    )
    relay_watch_seconds: float = Field(default=5.0, gt=0)


class ConsumerSettings(KitSettings):
    consumer_max_attempts: int = Field(default=3, ge=1, le=20)
    consumer_retry_backoff_seconds: float = Field(default=0.2, ge=0)
    consumer_batch_size: int = Field(
        default=100,
        ge=1,
        le=1000,
        description="A service's consumer applies up to this many polled events in one transaction",
    )
    workflow_task_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=120,
        description="The bridge starts journeys with this workflow task timeout (Temporal's default 10 s): "
        "a task taken by a worker that died is given to another after it; the embedded stack uses 2 s",
    )


class ServiceConsumerSettings(ServiceSettings, ConsumerSettings):
    """A service's consumer group, writing to the service's own database."""


class ServiceClientSettings(KitSettings):
    """A process calling the services as itself: its client credentials at the issuer's token endpoint."""

    token_url: str = Field(
        default="http://127.0.0.1:8005/oauth2/token", description="The issuer's OAuth2 token endpoint"
    )
    client_id: str = "temporal-worker"
    client_secret: SecretStr = Field(
        default=SecretStr(""), description="Registered with the issuer as a `service` client"
    )


class WorkerSettings(ServiceClientSettings):
    """The Temporal worker: where the services its activities call are, and how it authenticates to them."""

    intake_url: str = "http://127.0.0.1:8001"
    placement_url: str = "http://127.0.0.1:8003"
    complaints_url: str = "http://127.0.0.1:8004"
    benefits_url: str = "http://127.0.0.1:8006"
    activity_http_timeout_seconds: float = Field(default=10.0, gt=0)
    reconcile_every_minutes: float = Field(default=10.0, gt=0, description="How often the reconciler runs")
    sticky_queue_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a workflow task waits for the worker that has its workflow cached before any "
        "worker may take it (Temporal's default 10 s); the embedded stack, one worker, uses 1 s: a task then "
        "waits at most that long for a restarted worker, and the same worker replays what it lost",
    )


SettingsT = TypeVar("SettingsT", bound=KitSettings)


def service_scoped(settings_class: type[SettingsT], service: str) -> SettingsT:
    """`settings_class` for one service's component: a `REEMPLOY_<SERVICE>__<FIELD>` variable, where set,
    overrides `REEMPLOY_<FIELD>`, so the services hosted in one process each have their own database URL,
    HTTP port and so on (`REEMPLOY_TRAINING__DATABASE_URL`)."""
    prefix = service_scope(service)
    variables = {name: prefix + name.upper() for name in settings_class.model_fields}
    overrides: dict[str, Any] = {
        name: os.environ[variable] for name, variable in variables.items() if variable in os.environ
    }
    return settings_class(**overrides)


def service_scope(service: str) -> str:
    """The prefix of one service's own variables: `REEMPLOY_TRAINING__` for training."""
    return f"REEMPLOY_{service.upper()}__"
