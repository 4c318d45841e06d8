"""The embedded stack's plan: every component runs in exactly one process in either layout, and the services
that share a process each read their own database and port from its one environment."""

import pytest

from deploy.cli import main
from deploy.dev.stack import Stack, StackSettings
from deploy.registry import component_names, hosted_service_names, service_definitions
from services.common.settings import RelaySettings, ServiceSettings, service_scoped


def application_processes(layout: str, tmp_path) -> dict[str, list[str]]:
    stack = Stack(StackSettings(var_dir=tmp_path, layout=layout))
    return {spec.name: spec.argv[4:] for spec in stack.plan() if not spec.infrastructure}


@pytest.mark.parametrize("layout", ["compact", "split"])
def test_every_component_runs_in_exactly_one_process(layout, tmp_path):
    hosted = [
        component
        for components in application_processes(layout, tmp_path).values()
        for component in components
    ]
    assert sorted(hosted) == sorted(component_names())


def test_the_compact_layout_gives_intake_a_process_of_its_own_and_the_other_services_one(tmp_path):
    processes = application_processes("compact", tmp_path)
    assert processes["intake"] == ["intake", "intake-relay"]
    assert processes["journeys"] == ["bridge", "worker"]
    assert set(processes) == {"intake", "services", "journeys"}


def test_services_sharing_a_process_each_read_their_own_database_and_port(tmp_path, monkeypatch):
    stack = Stack(StackSettings(var_dir=tmp_path, layout="compact"))
    services = next(spec for spec in stack.plan() if spec.name == "services")
    for name, value in services.env.items():
        monkeypatch.setenv(name, value)
    definitions = service_definitions()
    hosted = hosted_service_names(services.argv[4:])
    assert len(hosted) == 6
    for name in hosted:
        settings = service_scoped(RelaySettings, name)
        assert settings.database_url == stack.database_url(name)
        assert settings.http_port == stack.http_port(definitions[name])
        assert settings.kafka_bootstrap == stack.bootstrap
    assert len({service_scoped(ServiceSettings, name).http_port for name in hosted}) == len(hosted)


def test_a_scoped_variable_overrides_the_plain_one_for_its_service_only(monkeypatch):
    monkeypatch.setenv("REEMPLOY_DATABASE_URL", "sqlite+aiosqlite:///var/shared.db")
    monkeypatch.setenv("REEMPLOY_TRAINING__DATABASE_URL", "sqlite+aiosqlite:///var/training.db")
    monkeypatch.setenv("REEMPLOY_TRAINING__HTTP_PORT", "8102")
    training = service_scoped(ServiceSettings, "training")
    placement = service_scoped(ServiceSettings, "placement")
    assert (training.database_url, training.http_port) == ("sqlite+aiosqlite:///var/training.db", 8102)
    assert (placement.database_url, placement.http_port) == ("sqlite+aiosqlite:///var/shared.db", 8001)


def test_hosting_several_services_without_a_database_each_is_refused(monkeypatch):
    monkeypatch.setenv("REEMPLOY_DATABASE_URL", "sqlite+aiosqlite:///var/shared.db")
    monkeypatch.setenv("REEMPLOY_TRAINING__DATABASE_URL", "sqlite+aiosqlite:///var/training.db")
    monkeypatch.delenv("REEMPLOY_PLACEMENT__DATABASE_URL", raising=False)
    with pytest.raises(SystemExit, match="REEMPLOY_PLACEMENT__DATABASE_URL"):
        main(["host", "training", "training-relay", "placement"])
