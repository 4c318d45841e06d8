"""A service's process loads what its components need: not the Temporal worker, the workflows or Alembic (the
supervisor migrates)."""

import json
import subprocess
import sys

import pytest

from deploy.registry import WORKFLOW_COMPONENTS, service_components, service_definitions

LOADED_BY_HOSTING = """
import json
import sys
from deploy import cli
from deploy.registry import SERVICE_PORT_OFFSETS, service_definition
for name in sys.argv[1:]:
    cli._component(name)
    if name in SERVICE_PORT_OFFSETS:
        service_definition(name).create_app
unneeded = ("workflows", "temporalio.worker", "alembic")
loaded = sorted(m for m in sys.modules if m in unneeded or m.startswith(tuple(u + "." for u in unneeded)))
sys.stdout.write(json.dumps(loaded))
"""


def unneeded_modules_loaded_by_hosting(components: list[str]) -> list[str]:
    hosting = subprocess.run(
        [sys.executable, "-c", LOADED_BY_HOSTING, *components],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert hosting.returncode == 0, hosting.stderr
    loaded: list[str] = json.loads(hosting.stdout)
    return loaded


@pytest.mark.parametrize("service", sorted(service_definitions()))
def test_a_service_process_loads_neither_the_workflows_nor_alembic(service):
    components = service_components(service_definitions()[service])
    assert unneeded_modules_loaded_by_hosting(components) == []


def test_the_journeys_process_loads_them():
    loaded = unneeded_modules_loaded_by_hosting(list(WORKFLOW_COMPONENTS))
    assert "workflows.journey" in loaded
    assert "temporalio.worker" in loaded
    assert [module for module in loaded if module.startswith("alembic")] == []
