"""Schemathesis against every service, over HTTP, on its real app with a migrated SQLite database.

The operations come from the generated contract of each service (`contracts/openapi/<service>.json`, which
`test_served_documents_are_the_contracts` holds equal to what the service serves). Schemathesis's examples,
coverage and fuzzing phases (a bounded number of examples an operation, derandomized from a fixed seed) call
every operation with the token of a caller who may use it, and check that no answer is a server error and
that every status, content type, header and body is one the contract lists.
"""

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis import Case

from tests.contract.catalogue import SERVICES, CallerOf, Parts, ServiceUnderTest
from tests.contract.served import serve
from tests.http_checks import body
from tests.infrastructure import TemporalDevServer
from tests.tokens import TestIssuer
from tools.contracts import ROOT

EXAMPLES_PER_OPERATION = 15
SEED = 20261126
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "missing_required_header",
    "unsupported_method",
)
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "database": "none"},
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {"enabled": False} | {name: {"enabled": True} for name in CHECKS},
    }
)


class RunningServices:
    """Each service served on first use, with its callers, until the module's tests are done."""

    def __init__(self, parts: Parts, directory: Path, stack: ExitStack) -> None:
        self.parts = parts
        self.directory = directory
        self.stack = stack
        self.running: dict[str, tuple[str, CallerOf]] = {}

    def get(self, service: ServiceUnderTest) -> tuple[str, CallerOf]:
        """The service's base URL and who calls each of its routes."""
        if service.name not in self.running:
            directory = self.directory / service.name
            directory.mkdir()
            app = serve(lambda url: service.build(self.parts, url), service.migrations, directory)
            base_url = self.stack.enter_context(app)
            self.running[service.name] = (base_url, service.callers(self.parts, base_url))
        return self.running[service.name]


@pytest.fixture(scope="module")
def services(
    tmp_path_factory: pytest.TempPathFactory, temporal_server: TemporalDevServer
) -> Iterator[RunningServices]:
    parts = Parts(issuer=TestIssuer(), temporal_address=temporal_server.address)
    with ExitStack() as stack:
        yield RunningServices(parts, tmp_path_factory.mktemp("served"), stack)


def _contract_test(service: ServiceUnderTest) -> Callable[..., None]:
    schema = schemathesis.openapi.from_path(ROOT / "openapi" / f"{service.name}.json", config=CONFIG)

    @schema.parametrize()
    def test(case: Case[Any], services: RunningServices) -> None:
        base_url, caller_of = services.get(service)
        case.call_and_validate(
            base_url=base_url, headers=caller_of(case.operation.path, case.path_parameters or {})
        )

    test.__doc__ = f"Every answer of {service.name} is one its contract lists."
    checked: Callable[..., None] = test
    return checked


BY_NAME = {service.name: service for service in SERVICES}
test_intake = _contract_test(BY_NAME["intake"])
test_training = _contract_test(BY_NAME["training"])
test_placement = _contract_test(BY_NAME["placement"])
test_complaints = _contract_test(BY_NAME["complaints"])
test_benefits = _contract_test(BY_NAME["benefits"])
test_identity = _contract_test(BY_NAME["identity"])
test_console = _contract_test(BY_NAME["console"])


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_served_documents_are_the_contracts(service: ServiceUnderTest, services: RunningServices) -> None:
    base_url, _ = services.get(service)
    served = body(httpx.get(f"{base_url}/openapi.json", timeout=30))
    assert served == json.loads((ROOT / "openapi" / f"{service.name}.json").read_text())
