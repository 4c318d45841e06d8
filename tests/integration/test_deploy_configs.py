"""The deployment files are valid for the tools that read them (docker-compose, promtool, bash, PostgreSQL)
and deploy every process of every service registered in `deploy.registry`.

No Docker engine is needed: `docker-compose config` only parses and interpolates. The tools come from
Debian packages (`docker-compose`, `prometheus`); a missing tool fails the test and names the package.
What must run is derived from the registry, so a service added there and forgotten here fails a test.
"""

import json
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from prometheus_client.metrics import MetricWrapperBase

from contracts.topics import SUBSCRIPTIONS
from deploy.registry import service_definitions
from services.common import metrics
from services.common.settings import (
    ConsumerSettings,
    KitSettings,
    RelaySettings,
    ServiceConsumerSettings,
    ServiceSettings,
    WorkerSettings,
)
from services.console.settings import ConsoleSettings
from services.identity.settings import IdentitySettings
from tests.infrastructure import POSTGRES_ADMIN_URL

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
GRAFANA_DIR = REPO / "deploy" / "grafana"
INIT_DATABASES = REPO / "deploy" / "postgres" / "init-databases.sh"

REQUIRED_SECRETS = {
    "POSTGRES_PASSWORD": "compose-test-password",
    "REEMPLOY_SECRET_KEY": "compose-test-secret",
    "REEMPLOY_IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": "compose-test-admin-password",
    "GRAFANA_ADMIN_PASSWORD": "compose-test-grafana-password",
    "REEMPLOY_WORKER_CLIENT_SECRET": "compose-test-worker-secret",
}
ARRIVING_SERVICES = ("complaints",)
"""In compose ahead of their package (another branch); checked by name until deploy/registry.py has them."""
TEMPORAL_DATABASES = ("temporal", "temporal_visibility")
HTTP_PORT, OPS_PORT = 8000, 9100
FIRST_SERVICE_PORT = 8001
"""Where the registry's port offsets start: the host ports match `make up`'s."""

SETTINGS_OF_COMMAND: dict[str, type[KitSettings]] = {
    "serve": ServiceSettings,
    "migrate": ServiceSettings,
    "relay": RelaySettings,
    "consume": ServiceConsumerSettings,
    "bridge": ConsumerSettings,
    "worker": WorkerSettings,
    "topics": KitSettings,
}
"""What each `reemploy` subcommand reads (deploy/cli.py)."""


def _tool(name: str, apt_package: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/bin")
    if found is None:
        pytest.fail(f"`{name}` not found: install the Debian package with `apt-get install -y {apt_package}`")
    return found


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False)


def _compose(tmp_path: Path, *args: str, secrets: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`docker-compose <args>` with exactly `secrets` set: no inherited values, no developer's .env file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in REQUIRED_SECRETS and not key.startswith(("COMPOSE_", "DOCKER_", "REEMPLOY_"))
    }
    env.update(secrets)
    empty_env_file = tmp_path / "empty.env"
    empty_env_file.write_text("")
    binary = _tool("docker-compose", "docker-compose")
    return _run(
        binary, "--env-file", str(empty_env_file), "--project-directory", str(REPO), "-f", str(COMPOSE_FILE),
        *args, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The compose services as docker-compose resolves them (anchors merged, variables interpolated)."""
    result = _compose(tmp_path_factory.mktemp("compose"), "config", secrets=REQUIRED_SECRETS)
    assert result.returncode == 0, result.stderr
    resolved: dict[str, Any] = yaml.safe_load(result.stdout)["services"]
    return resolved


def _expected_processes() -> dict[str, list[str]]:
    """Compose service name -> `reemploy` arguments, for every registered service's processes."""
    expected: dict[str, list[str]] = {}
    for name, definition in service_definitions().items():
        expected[f"{name}-migrate"] = ["migrate", name]
        expected[name] = ["serve", name]
        expected[f"{name}-relay"] = ["relay", name]
        if definition.has_consumers:
            expected[f"{name}-consumer"] = ["consume", name]
    return expected


def _reemploy_processes(services: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in services.items() if "build" in service}


def _depends_on(service: dict[str, Any]) -> dict[str, str]:
    return {name: gate.get("condition") for name, gate in service.get("depends_on", {}).items()}


def _scrape_targets() -> dict[str, list[str]]:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    return {
        job["job_name"]: [target for static in job["static_configs"] for target in static["targets"]]
        for job in config["scrape_configs"]
    }


def test_compose_file_is_valid_with_the_required_secrets(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", "-q", secrets=REQUIRED_SECRETS)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_SECRETS))
def test_compose_refuses_to_run_without_a_required_secret(tmp_path: Path, missing: str) -> None:
    secrets = {key: value for key, value in REQUIRED_SECRETS.items() if key != missing}
    result = _compose(tmp_path, "config", "-q", secrets=secrets)
    assert result.returncode != 0, f"docker-compose accepted the file without {missing}"
    assert missing in result.stderr + result.stdout


def test_compose_gates_start_order_on_health_and_completion(services: dict[str, Any]) -> None:
    one_off = {name for name, service in services.items() if service.get("restart") == "no"}
    assert {"postgres-databases", "kafka-topics"} <= one_off

    for name, service in _reemploy_processes(services).items():
        assert service["build"]["dockerfile"] == "deploy/docker/Dockerfile", name
        assert service["image"] == services["intake"]["image"], f"{name} must use the one shared image"
        assert service["environment"]["REEMPLOY_ENVIRONMENT"] == "production", name
        if name not in one_off:
            assert "/readyz" in " ".join(service["healthcheck"]["test"]), name

    for name, service in services.items():
        for dependency, condition in _depends_on(service).items():
            wanted = "service_completed_successfully" if dependency in one_off else "service_healthy"
            assert condition == wanted, f"{name} -> {dependency}: {condition}"
            if wanted == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}, which has none"


def test_every_registered_service_runs_with_its_migration_relay_and_consumer(
    services: dict[str, Any],
) -> None:
    expected = _expected_processes()
    commands = {name: service.get("command") for name, service in services.items()}
    missing = {name: argv for name, argv in expected.items() if commands.get(name) != argv}
    assert not missing, f"docker-compose.yml lacks (or runs otherwise) these processes: {missing}"

    definitions = service_definitions()
    for name, argv in commands.items():
        if not argv or argv[0] not in ("serve", "migrate", "relay", "consume"):
            continue
        service = argv[1]
        assert service in definitions or service in ARRIVING_SERVICES, (
            f"{name} runs unknown service {service}"
        )
        if argv[0] == "consume" and service in definitions:
            assert definitions[service].has_consumers, f"{name}: {service} consumes no events"

    for name, definition in definitions.items():
        assert services[f"{name}-migrate"]["restart"] == "no"
        assert _depends_on(services[f"{name}-migrate"]) == {
            "postgres-databases": "service_completed_successfully"
        }
        published = [(int(port["published"]), port["target"]) for port in services[name]["ports"]]
        assert published == [(FIRST_SERVICE_PORT + definition.port_offset, HTTP_PORT)], (name, published)
        helpers = [f"{name}-relay"] + ([f"{name}-consumer"] if definition.has_consumers else [])
        for process in [name, *helpers]:
            gates = _depends_on(services[process])
            assert gates.get(f"{name}-migrate") == "service_completed_successfully", process
            url = services[process]["environment"]["REEMPLOY_DATABASE_URL"]
            assert url.startswith("postgresql+asyncpg://") and urlsplit(url).path == f"/{name}", (
                process,
                url,
            )
        for helper in helpers:
            assert _depends_on(services[helper]).get("kafka-topics") == "service_completed_successfully"


def test_every_service_database_is_created_before_its_migration(services: dict[str, Any]) -> None:
    step = services["postgres-databases"]
    created = step["environment"]["POSTGRES_MULTIPLE_DATABASES"].split(",")
    wanted = [*service_definitions(), *ARRIVING_SERVICES, *TEMPORAL_DATABASES]
    assert sorted(created) == sorted(set(wanted)), created
    assert step["entrypoint"] == ["/usr/local/bin/init-databases.sh"]
    assert f"{INIT_DATABASES}:/usr/local/bin/init-databases.sh:ro" in step["volumes"]
    assert _depends_on(services["temporal"])["postgres-databases"] == "service_completed_successfully"


def test_the_worker_starts_once_temporal_has_the_namespace(services: dict[str, Any]) -> None:
    """The worker registers the journeys' search attributes in the namespace when it starts."""
    worker, temporal = services["worker"], services["temporal"]
    namespace = worker["environment"]["REEMPLOY_TEMPORAL_NAMESPACE"]
    assert _depends_on(worker)["temporal"] == "service_healthy"
    assert temporal["environment"]["DEFAULT_NAMESPACE"] == namespace
    probe = temporal["healthcheck"]["test"]
    assert "describe" in probe and probe[probe.index("--namespace") + 1] == namespace
    assert temporal["environment"]["SKIP_ADD_CUSTOM_SEARCH_ATTRIBUTES"] == "true"


def test_the_worker_finds_every_service_it_calls(services: dict[str, Any]) -> None:
    env = services["worker"]["environment"]
    wanted = {f"REEMPLOY_{field.upper()}" for field in WorkerSettings.model_fields if field.endswith("_url")}
    wanted |= {f"REEMPLOY_{name.upper()}_URL" for name in ARRIVING_SERVICES}
    assert wanted <= set(env), f"worker lacks {wanted - set(env)}"
    for variable in wanted:
        host = urlsplit(env[variable])
        assert host.port == HTTP_PORT and services[host.hostname or ""]["command"][0] == "serve", variable


SERVER_SETTINGS: dict[str, type[KitSettings]] = {"identity": IdentitySettings, "console": ConsoleSettings}
"""Services whose server reads settings of its own."""


def _settings_class(argv: list[str]) -> type[KitSettings]:
    if argv[0] == "serve" and argv[1] in SERVER_SETTINGS:
        return SERVER_SETTINGS[argv[1]]
    return SETTINGS_OF_COMMAND[argv[0]]


def test_every_process_accepts_its_environment(
    services: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process loads its settings from what compose gives it, and no variable is misspelt."""
    readers: list[type[KitSettings]] = [*SETTINGS_OF_COMMAND.values(), *SERVER_SETTINGS.values()]
    known = {f"REEMPLOY_{field.upper()}" for settings in readers for field in settings.model_fields} | {
        f"REEMPLOY_{name.upper()}_URL" for name in ARRIVING_SERVICES
    }
    registered = service_definitions()
    for name, service in _reemploy_processes(services).items():
        env = {key: str(value) for key, value in service["environment"].items()}
        unknown = {key for key in env if key.startswith("REEMPLOY_") and key not in known}
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
        if service["command"][-1] in set(ARRIVING_SERVICES) - set(registered):
            continue  # its package, and what it reads, are not here yet
        for key in [key for key in os.environ if key.startswith("REEMPLOY_")]:
            monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        assert _settings_class(service["command"])().environment == "production", name


def test_prometheus_scrapes_every_process() -> None:
    targets = _scrape_targets()
    wanted = {
        f"reemploy-{process}": [f"{process}:{HTTP_PORT if argv[0] == 'serve' else OPS_PORT}"]
        for process, argv in _expected_processes().items()
        if argv[0] != "migrate"
    } | {"reemploy-bridge": [f"bridge:{OPS_PORT}"], "reemploy-worker": [f"worker:{OPS_PORT}"]}
    wrong = {job: targets.get(job) for job, target in wanted.items() if targets.get(job) != target}
    assert not wrong, f"prometheus.yml scrapes these otherwise (want {wanted}): {wrong}"


def test_prometheus_scrapes_only_processes_that_compose_runs(services: dict[str, Any]) -> None:
    for job, job_targets in _scrape_targets().items():
        if not job.startswith("reemploy-"):
            continue
        for target in job_targets:
            host, port = target.split(":")
            assert job == f"reemploy-{host}", f"job {job} scrapes {target}: name jobs after the process"
            health = " ".join(services[host]["healthcheck"]["test"])
            assert f"127.0.0.1:{port}/readyz" in health, f"{target}: not the port {host} serves on"


def test_prometheus_config_is_valid() -> None:
    result = _run(_tool("promtool", "prometheus"), "check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_are_valid() -> None:
    result = _run(_tool("promtool", "prometheus"), "check", "rules", str(PROMETHEUS_DIR / "alerts.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def _series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    selector = ", ".join(f'{key}="{value}"' for key, value in labels.items())
    return {"series": f"{name}{{{selector}}}", "values": values}


def _alerts(name: str, at: str, *labels: dict[str, str]) -> dict[str, Any]:
    """At `at`, alert `name` fires exactly once for each of `labels`, with no others."""
    return {"eval_time": at, "alertname": name, "exp_alerts": [{"exp_labels": each} for each in labels]}


def _outbox_lag_case() -> dict[str, Any]:
    lag = "reemploy_outbox_lag_seconds"
    return {
        "interval": "1m",
        "input_series": [
            _series(lag, {"service": "intake", "job": "reemploy-intake-relay"}, "0 90x10"),
            _series(lag, {"service": "training", "job": "reemploy-training-relay"}, "0 30x10"),
        ],
        "alert_rule_test": [
            _alerts("OutboxLagHigh", "4m"),
            _alerts("OutboxLagHigh", "7m", {"severity": "critical", "service": "intake"}),
        ],
    }


def _outbox_backlog_case() -> dict[str, Any]:
    backlog = "reemploy_outbox_backlog"
    return {
        "interval": "1m",
        "input_series": [
            _series(backlog, {"service": "intake"}, "10+10x30"),
            _series(backlog, {"service": "placement"}, "50x30"),
        ],
        "alert_rule_test": [
            _alerts("OutboxBacklogGrowing", "25m", {"severity": "warning", "service": "intake"})
        ],
    }


def _target_down_case() -> dict[str, Any]:
    """Every scrape job of prometheus.yml is covered; the consumers go down, the others stay up."""
    targets = [
        (job, target) for job, each in _scrape_targets().items() if job != "prometheus" for target in each
    ]
    down = [{"severity": "critical", "job": job, "instance": target} for job, target in targets
            if job.endswith("-consumer")]  # fmt: skip
    return {
        "interval": "1m",
        "input_series": [
            _series("up", {"job": job, "instance": target}, "1 0x5" if job.endswith("-consumer") else "1x5")
            for job, target in targets
        ],
        "alert_rule_test": [_alerts("ReemployTargetDown", "1m"), _alerts("ReemployTargetDown", "4m", *down)],
    }


def _dead_letters_case() -> dict[str, Any]:
    """Every consumer group of contracts/topics.py: a counter that exists and goes up, and (on a second topic)
    one born with its first dead letter; plus a group that wrote none."""
    dead_letters = "reemploy_consumer_dead_letters_total"
    growing = [{"consumer": consumer, "topic": topics[0]} for consumer, topics in SUBSCRIPTIONS.items()]
    born = [
        {"consumer": consumer, "topic": topics[-1]}
        for consumer, topics in SUBSCRIPTIONS.items()
        if len(topics) > 1
    ]
    return {
        "interval": "1m",
        "input_series": [
            *(_series(dead_letters, labels, "0x5 1x20") for labels in growing),
            *(_series(dead_letters, labels, "_x8 1x20") for labels in born),
            _series(dead_letters, {"consumer": "quiet", "topic": "intake.events"}, "0x30"),
        ],
        "alert_rule_test": [
            _alerts("DeadLettersWritten", "4m"),
            _alerts(
                "DeadLettersWritten", "10m", *({"severity": "warning", **labels} for labels in growing + born)
            ),
            _alerts("DeadLettersWritten", "25m"),
        ],
    }


def _http_server_errors_case() -> dict[str, Any]:
    """intake fails 10% of a busy stream, placement 1%, training every request of a trickle."""
    requests = "reemploy_http_requests_total"

    def answered(service: str, status: str, per_minute: int) -> dict[str, str]:
        return _series(
            requests, {"service": service, "route": "/workers", "status": status}, f"0+{per_minute}x30"
        )

    return {
        "interval": "1m",
        "input_series": [
            answered("intake", "201", 90),
            answered("intake", "500", 10),
            answered("placement", "200", 99),
            answered("placement", "503", 1),
            answered("training", "500", 1),
        ],
        "alert_rule_test": [
            _alerts("HttpServerErrorsHigh", "8m"),
            _alerts("HttpServerErrorsHigh", "15m", {"severity": "critical", "service": "intake"}),
        ],
    }


def _alert_unit_tests(rules_file: Path) -> dict[str, Any]:
    """Synthetic series fed to the rules: each alert fires when it should and stays quiet otherwise."""
    return {
        "rule_files": [str(rules_file)],
        "evaluation_interval": "1m",
        "tests": [
            _outbox_lag_case(),
            _outbox_backlog_case(),
            _target_down_case(),
            _dead_letters_case(),
            _http_server_errors_case(),
        ],
    }


def test_alerts_fire_on_the_conditions_they_describe(tmp_path: Path) -> None:
    # promtool compares annotations too; they are prose (their templates are checked above), so drop them.
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    rules_file = tmp_path / "alerts.yml"
    rules_file.write_text(yaml.safe_dump(rules))
    tests_file = tmp_path / "alerts_test.yml"
    tests_file.write_text(yaml.safe_dump(_alert_unit_tests(rules_file)))
    result = _run(_tool("promtool", "prometheus"), "test", "rules", str(tests_file))
    assert result.returncode == 0, result.stdout + result.stderr


def _series_names_of_our_metrics() -> set[str]:
    """The series names `services.common.metrics` exposes (`_total`, `_bucket`, ... included)."""
    suffixes = {"counter": ("_total",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count")}
    return {
        f"{family.name}{suffix}"
        for metric in vars(metrics).values()
        if isinstance(metric, MetricWrapperBase)
        for family in metric.describe()
        for suffix in suffixes[family.type]
    }


def _dashboards() -> dict[str, Any]:
    return {
        path.name: json.loads(path.read_text())
        for path in sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
    }


def test_grafana_dashboards_query_the_provisioned_prometheus_for_metrics_that_exist(tmp_path: Path) -> None:
    datasources = yaml.safe_load(
        (GRAFANA_DIR / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    (prometheus,) = datasources["datasources"]
    assert urlsplit(prometheus["url"]).hostname == "prometheus"
    ours = _series_names_of_our_metrics()
    expressions: list[str] = []
    dashboards = _dashboards()
    assert dashboards, "no dashboard in deploy/grafana/dashboards"
    for name, dashboard in dashboards.items():
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                for source in (panel["datasource"], target["datasource"]):
                    assert source == {"type": "prometheus", "uid": prometheus["uid"]}, (name, panel["title"])
                expression = target["expr"]
                unknown = set(re.findall(r"\breemploy_[a-z_]+", expression)) - ours
                assert not unknown, f"{name} / {panel['title']}: no such metric {unknown}"
                expressions.append(expression)
    # promtool parses PromQL when it checks rules: every expression becomes a recording rule.
    recorded = [{"record": f"dashboard:expression_{n}", "expr": expr} for n, expr in enumerate(expressions)]
    rules = {"groups": [{"name": "dashboards", "rules": recorded}]}
    rules_file = tmp_path / "dashboard_expressions.yml"
    rules_file.write_text(yaml.safe_dump(rules))
    result = _run(_tool("promtool", "prometheus"), "check", "rules", str(rules_file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_is_provisioned_from_the_repository(services: dict[str, Any]) -> None:
    grafana = services["grafana"]
    provider = yaml.safe_load((GRAFANA_DIR / "provisioning" / "dashboards" / "reemploy.yml").read_text())
    (dashboards,) = provider["providers"]
    assert f"{GRAFANA_DIR / 'provisioning'}:/etc/grafana/provisioning:ro" in grafana["volumes"]
    assert f"{GRAFANA_DIR / 'dashboards'}:{dashboards['options']['path']}:ro" in grafana["volumes"]
    assert _depends_on(grafana) == {"prometheus": "service_healthy"}
    uids = [dashboard["uid"] for dashboard in _dashboards().values()]
    assert len(uids) == len(set(uids)), f"dashboard uids must be unique: {uids}"


def test_postgres_init_script_is_executable_bash() -> None:
    assert os.access(INIT_DATABASES, os.X_OK), (
        f"{INIT_DATABASES} must be executable (git update-index --chmod=+x)"
    )
    result = _run("bash", "-n", str(INIT_DATABASES))
    assert result.returncode == 0, result.stderr


def _psql_env(databases: str) -> dict[str, str]:
    """How postgres-databases reaches the server (libpq variables), pointed at the test server."""
    server = urlsplit(POSTGRES_ADMIN_URL)
    user = server.username or "postgres"
    return {
        "PATH": os.environ["PATH"],
        "PGHOST": server.hostname or "127.0.0.1",
        "PGPORT": str(server.port or 5432),
        "PGUSER": user,
        "PGPASSWORD": server.password or "",
        "POSTGRES_USER": user,
        "POSTGRES_MULTIPLE_DATABASES": databases,
    }


def _existing(names: list[str]) -> set[str]:
    listed = _run(
        "psql", "--no-psqlrc", "--tuples-only", "--no-align", "--dbname", "postgres",
        "--command", "SELECT datname FROM pg_database", env=_psql_env(""),
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    return set(listed.stdout.split()) & set(names)


@pytest.mark.postgres
def test_postgres_init_script_creates_missing_databases_once_and_refuses_bad_names() -> None:
    _tool("psql", "postgresql-client")
    prefix = f"deploy_{uuid.uuid4().hex[:8]}"
    first, second, third = f"{prefix}_a", f"{prefix}_b", f"{prefix}_c"
    try:
        created = _run(str(INIT_DATABASES), env=_psql_env(f"{first}, {second}"))
        assert created.returncode == 0, created.stderr
        assert _existing([first, second]) == {first, second}

        again = _run(str(INIT_DATABASES), env=_psql_env(f"{first},{second},{third}"))
        assert again.returncode == 0, again.stderr
        assert f"{first} exists" in again.stdout and f"created {third}" in again.stdout

        refused = _run(str(INIT_DATABASES), env=_psql_env(f"{prefix}_d,Bad-Name"))
        assert refused.returncode != 0 and "Bad-Name" in refused.stderr
        assert not _existing([f"{prefix}_d"]), "a refused list must create nothing"
    finally:
        for name in (first, second, third):
            _run(
                "psql", "--no-psqlrc", "--dbname", "postgres",
                "--command", f'DROP DATABASE IF EXISTS "{name}"', env=_psql_env(""),
            )  # fmt: skip


def test_both_dockerignore_files_say_the_same() -> None:
    def rules(path: Path) -> list[str]:
        lines = (line.strip() for line in path.read_text().splitlines())
        return [line for line in lines if line and not line.startswith("#")]

    assert rules(REPO / ".dockerignore") == rules(REPO / "deploy" / "docker" / "Dockerfile.dockerignore")
