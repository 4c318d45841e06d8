"""`make up` as an operator runs it: the supervised embedded stack, a broker death, Ctrl-C, and a restart."""

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.factories import NETWORK, registration
from tests.http_checks import body
from tests.operator import operator_headers
from tests.running_stack import fresh_stack

PROFILE = {
    "education": "junior_secondary",
    "skills": [{"name": "cooking", "level": "intermediate"}],
    "desired_occupations": ["cooking"],
    "desired_employment_forms": ["full_time"],
}


def children_alive(port: int) -> bool:
    """Whether any process of the stack still mentions the broker's port (the broker itself does)."""
    found = subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def pipeline_figures(http: httpx.Client, endpoints: dict[str, str]) -> str:
    """The relay's and bridge's own counters, to tell where an event stopped."""
    lines = []
    for name in ("intake-relay", "bridge"):
        text = http.get(f"{endpoints[name]}/metrics").text
        lines += [
            line
            for line in text.splitlines()
            if line.startswith(("reemploy_outbox", "reemploy_consumer_events"))
        ]
    return "\n".join(lines)


def wait_for_stage_in_intake(http: httpx.Client, base: str, case_id: str, stage: str) -> None:
    """Intake learns the stage from the worker's `POST /journey-events`, sent with its own service token."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = body(http.get(f"{base}/workers", params={"stage": stage}))
        if case_id in {case["case_id"] for case in found["items"]}:
            return
        time.sleep(0.2)
    raise AssertionError(f"intake never learnt that {case_id} is in {stage}")


def wait_for_journey(http: httpx.Client, base: str, case_id: str, timeout: float = 60) -> dict[str, str]:
    """Intake's answer once the case's journey runs; a refused connection is retried, since a broker's death
    restarts the processes of the compact layout that talk to it, intake's API among them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = http.get(f"{base}/workers/{case_id}/journey")
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if response.status_code == 200:
            body: dict[str, str] = response.json()
            return body
        time.sleep(0.2)
    raise AssertionError(f"no journey for {case_id} within {timeout} s")


@pytest.fixture(params=["compact", "split"])
def stack(request: pytest.FixtureRequest, tmp_path: Path):
    """The stack in the layout `make up` uses (compact), and in the one a cluster uses (split)."""
    with fresh_stack(tmp_path / "var", request.param) as running:
        yield running


def test_make_up_runs_the_slice_survives_a_broker_death_and_keeps_data_across_restarts(stack):
    endpoints = stack.start()
    assert {"intake", "intake-docs", "intake-relay", "bridge", "worker", "temporal-ui", "kafka"} <= set(
        endpoints
    )
    intake = endpoints["intake"]
    with httpx.Client(timeout=10, headers=operator_headers(endpoints["identity"])) as http:
        assert http.get(f"{intake}/workers").status_code == 200
        assert httpx.get(f"{intake}/workers").status_code == 401
        for path, payload in NETWORK:
            assert http.post(f"{intake}{path}", json=payload).status_code == 201
        first = body(http.post(f"{intake}/workers", json=registration()), 201)["case_id"]
        assert wait_for_journey(http, intake, first)["stage"] == "assessment"
        profile = {"profile": PROFILE, "expected_version": 0}
        assert http.put(f"{intake}/workers/{first}/profile", json=profile).status_code == 200
        wait_for_stage_in_intake(http, intake, first, "guidance_and_plan")
        for name in ("intake-relay", "bridge", "worker"):
            assert "reemploy_" in http.get(f"{endpoints[name]}/metrics").text or name == "worker"
            assert http.get(f"{endpoints[name]}/readyz").status_code == 200

        subprocess.run(["pkill", "-KILL", "-f", f"tcp://127.0.0.1:{stack.ports['broker']}"], check=True)
        after_death = [
            body(http.post(f"{intake}/workers", json=registration()), 201)["case_id"] for _ in range(3)
        ]
        for case_id in after_death:
            try:
                assert wait_for_journey(http, intake, case_id, timeout=90)["stage"] == "assessment"
            except AssertionError as missing:
                raise AssertionError(f"{missing}\n{pipeline_figures(http, endpoints)}") from None

    assert stack.interrupt() == 0
    assert not children_alive(stack.ports["broker"])

    endpoints = stack.start()
    with httpx.Client(timeout=10, headers=operator_headers(endpoints["identity"])) as http:
        assert http.get(f"{endpoints['intake']}/workers/{first}").status_code == 200
        assert wait_for_journey(http, endpoints["intake"], first)["stage"] == "guidance_and_plan"
    assert stack.interrupt(times=3) == 0
    assert not children_alive(stack.ports["broker"]), "a second Ctrl-C left the stack's processes running"
