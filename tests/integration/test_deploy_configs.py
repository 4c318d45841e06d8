"""The deployment files are valid for the tools that read them: docker-compose, promtool, bash.

No Docker engine is needed: `docker-compose config` only parses and interpolates. The tools come from
Debian packages (`docker-compose`, `prometheus`); a missing tool fails the test and names the package.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
INIT_DATABASES = REPO / "deploy" / "postgres" / "init-databases.sh"

REQUIRED_SECRETS = {
    "POSTGRES_PASSWORD": "compose-test-password",
    "REEMPLOY_SECRET_KEY": "compose-test-secret",
}
REEMPLOY_PROCESSES = ("intake", "intake-relay", "bridge", "worker")
ONE_OFF_STEPS = ("intake-migrate", "kafka-topics")


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


def test_compose_file_is_valid_with_the_required_secrets(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", "-q", secrets=REQUIRED_SECRETS)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(REQUIRED_SECRETS))
def test_compose_refuses_to_run_without_a_required_secret(tmp_path: Path, missing: str) -> None:
    secrets = {key: value for key, value in REQUIRED_SECRETS.items() if key != missing}
    result = _compose(tmp_path, "config", "-q", secrets=secrets)
    assert result.returncode != 0, f"docker-compose accepted the file without {missing}"
    assert missing in result.stderr + result.stdout


def test_compose_gates_start_order_on_health_and_completion(tmp_path: Path) -> None:
    result = _compose(tmp_path, "config", secrets=REQUIRED_SECRETS)
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]

    for name in (*REEMPLOY_PROCESSES, *ONE_OFF_STEPS):
        assert services[name]["build"]["dockerfile"] == "deploy/docker/Dockerfile", name
        assert services[name]["image"] == services["intake"]["image"], f"{name} must use the one shared image"
        assert services[name]["environment"]["REEMPLOY_ENVIRONMENT"] == "production", name
    for name in REEMPLOY_PROCESSES:
        assert "/readyz" in " ".join(services[name]["healthcheck"]["test"]), name
    for name in ONE_OFF_STEPS:
        assert services[name]["restart"] == "no", f"{name} is a one-off step and must not be restarted"

    for name, service in services.items():
        for dependency, gate in service.get("depends_on", {}).items():
            wanted = "service_completed_successfully" if dependency in ONE_OFF_STEPS else "service_healthy"
            assert gate.get("condition") == wanted, f"{name} -> {dependency}: {gate}"
            if wanted == "service_healthy":
                assert "healthcheck" in services[dependency], f"{name} waits on {dependency}, which has none"


def test_prometheus_config_is_valid() -> None:
    result = _run(_tool("promtool", "prometheus"), "check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_are_valid() -> None:
    result = _run(_tool("promtool", "prometheus"), "check", "rules", str(PROMETHEUS_DIR / "alerts.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


# Synthetic series fed to the rules: each alert fires when it should and stays quiet otherwise.
ALERT_UNIT_TESTS = """
rule_files: ['{rules}']
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'reemploy_outbox_lag_seconds{{service="intake", job="reemploy-intake-relay"}}'
        values: '0 90x10'
      - series: 'reemploy_outbox_lag_seconds{{service="training", job="reemploy-training-relay"}}'
        values: '0 30x10'
      - series: 'up{{job="reemploy-bridge", instance="bridge:9100"}}'
        values: '1 0x5'
      - series: 'up{{job="reemploy-worker", instance="worker:9100"}}'
        values: '1x5'
    alert_rule_test:
      - eval_time: 4m
        alertname: OutboxLagHigh
        exp_alerts: []
      - eval_time: 7m
        alertname: OutboxLagHigh
        exp_alerts:
          - exp_labels: {{severity: critical, service: intake}}
      - eval_time: 4m
        alertname: ReemployTargetDown
        exp_alerts:
          - exp_labels: {{severity: critical, job: reemploy-bridge, instance: "bridge:9100"}}
  - interval: 1m
    input_series:
      - series: 'reemploy_outbox_backlog{{service="intake"}}'
        values: '10+10x30'
      - series: 'reemploy_outbox_backlog{{service="placement"}}'
        values: '50x30'
    alert_rule_test:
      - eval_time: 25m
        alertname: OutboxBacklogGrowing
        exp_alerts:
          - exp_labels: {{severity: warning, service: intake}}
  - interval: 1m
    input_series:
      # An existing counter that goes up, and one that is born with its first dead letter.
      - series: 'reemploy_consumer_dead_letters_total{{consumer="bridge", topic="intake.events"}}'
        values: '0x5 1x20'
      - series: 'reemploy_consumer_dead_letters_total{{consumer="console", topic="intake.events"}}'
        values: '_x8 1x20'
    alert_rule_test:
      - eval_time: 4m
        alertname: DeadLettersWritten
        exp_alerts: []
      - eval_time: 10m
        alertname: DeadLettersWritten
        exp_alerts:
          - exp_labels: {{severity: warning, consumer: bridge, topic: intake.events}}
          - exp_labels: {{severity: warning, consumer: console, topic: intake.events}}
      - eval_time: 25m
        alertname: DeadLettersWritten
        exp_alerts: []
"""


def test_alerts_fire_on_the_conditions_they_describe(tmp_path: Path) -> None:
    # promtool compares annotations too; they are prose (their templates are checked above), so drop them.
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations", None)
    rules_file = tmp_path / "alerts.yml"
    rules_file.write_text(yaml.safe_dump(rules))
    tests_file = tmp_path / "alerts_test.yml"
    tests_file.write_text(ALERT_UNIT_TESTS.format(rules=rules_file))
    result = _run(_tool("promtool", "prometheus"), "test", "rules", str(tests_file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_postgres_init_script_is_executable_bash() -> None:
    assert os.access(INIT_DATABASES, os.X_OK), (
        f"{INIT_DATABASES} must be executable (git update-index --chmod=+x)"
    )
    result = _run("bash", "-n", str(INIT_DATABASES))
    assert result.returncode == 0, result.stderr


def test_both_dockerignore_files_say_the_same() -> None:
    def rules(path: Path) -> list[str]:
        lines = (line.strip() for line in path.read_text().splitlines())
        return [line for line in lines if line and not line.startswith("#")]

    assert rules(REPO / ".dockerignore") == rules(REPO / "deploy" / "docker" / "Dockerfile.dockerignore")
