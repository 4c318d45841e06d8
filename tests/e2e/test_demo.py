"""`make demo` against a `make up` stack: a small district is seeded and lives, and a second run adds to it.

The stack runs as an operator starts it, on free ports, with a day of the journey compressed to 0.1 s; the
demo runs as `python -m tools.demo` and talks to it over HTTP only. What it did is read back from the APIs.
"""

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.http_checks import body
from tests.infrastructure import stack_ports
from tests.operator import operator_headers
from tests.running_stack import RunningStack

TIME_SCALE = "864000"
SMALL = ["--workers", "30", "--assistants", "6", "--providers", "2", "--employers", "5"]
BRISK = ["--arrivals-per-second", "10", "--gather-seconds", "2", "--follow-up-seconds", "25"]


@pytest.fixture
def compressed_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("REEMPLOY_JOURNEY_TIME_SCALE", TIME_SCALE)
    running = RunningStack(tmp_path / "var", stack_ports())
    running.var_dir.mkdir()
    try:
        yield running
    finally:
        running.close()


def run_demo(endpoints_file: Path, *arguments: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tools.demo", "--endpoints", str(endpoints_file), *arguments],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def cases(http: httpx.Client, intake: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    params: dict[str, str] = {"limit": "100"}
    while True:
        page = body(http.get(f"{intake}/workers", params=params))
        found += page["items"]
        if page["next_cursor"] is None:
            return found
        params["cursor"] = page["next_cursor"]


def test_the_demo_seeds_a_small_district_that_lives_and_a_second_run_adds_new_workers(compressed_stack):
    endpoints = compressed_stack.start()
    endpoints_file = compressed_stack.var_dir / "endpoints.json"
    output = run_demo(endpoints_file, *SMALL, *BRISK)

    assert "stopped:" not in output, output
    assert "http://127.0.0.1:8000" in output and "demo-supervisor / reemploy-district-2026" in output
    with httpx.Client(timeout=10, headers=operator_headers(endpoints["identity"])) as http:
        registered = cases(http, endpoints["intake"])
        assert len(registered) == 30
        assert all(case["assistant_id"] for case in registered)
        journeys = [
            http.get(f"{endpoints['intake']}/workers/{case['case_id']}/journey") for case in registered
        ]
        assert [response.status_code for response in journeys] == [200] * 30
        stages = Counter(body(response)["stage"] for response in journeys)
        assert {"assessment", "guidance_and_plan", "job_search", "exited"} <= set(stages), (stages, output)
        assert stages["follow_up"] + stages["stable_employment"] >= 5, (stages, output)

        hires = body(http.get(f"{endpoints['placement']}/hires"))
        forms = {hire["employment_form"] for hire in hires}
        assert len(hires) >= 5 and {"full_time", "public_welfare_post"} <= forms, forms
        tasks = body(http.get(f"{endpoints['placement']}/follow-up-tasks", params={"limit": "500"}))
        assert {task["case_id"] for task in tasks} <= {case["case_id"] for case in registered}
        completed = [task for task in tasks if task["status"] == "completed"]
        assert {1, 2, 3} <= {task["sequence"] for task in completed}, (tasks, output)
        certificates = [
            body(http.get(f"{endpoints['training']}/cases/{case['case_id']}/certificates"))
            for case in registered
        ]
        assert any(certificates)

        login = {
            "grant_type": "password",
            "username": "demo-supervisor",
            "password": "reemploy-district-2026",
        }
        token = http.post(f"{endpoints['identity']}/oauth2/token", data=login)
        assert token.status_code == 200 and "plans:approve" in token.json()["scope"].split()

        leader = login | {"username": "demo-leader"}
        lead_token = body(http.post(f"{endpoints['identity']}/oauth2/token", data=leader))["access_token"]
        assessment = body(
            http.get(
                f"{endpoints['console']}/api/target-assessment",
                params={"year": str(date.today().year)},
                headers={"authorization": f"Bearer {lead_token}"},
            )
        )
        trained = [
            row for row in assessment if row["indicator"] == "trained" and row["area_kind"] == "street"
        ]
        assert trained and all(row["target"] > 0 for row in trained)
        assert sum(row["actual"] for row in assessment) > 0, "the console's read model shows the district"

        state = json.loads((endpoints_file.parent / "demo-state.json").read_text())
        logins = state["seeded"]["assistant_logins"]
        busiest = Counter(case["assistant_id"] for case in registered).most_common(1)[0][0]
        username = next(name for name, assistant_id in logins.items() if assistant_id == busiest)
        with httpx.Client(base_url=endpoints["console"], timeout=10) as console:
            console.post("/login", data={"username": username, "password": "reemploy-district-2026"})
            caseload = console.get("/caseload")
        ids = [case["case_id"][-8:] for case in registered if case["assistant_id"] == busiest]
        assert caseload.status_code == 200 and any(short in caseload.text for short in ids), username
        named = re.search(
            r'我的个案 · <span id="caseload-assistant"[^>]*>([\u4e00-\u9fff]{2,3})</span>', caseload.text
        )
        assert named is not None, "the assistant's caseload is headed with their Chinese name from intake"

    again = run_demo(endpoints_file, *SMALL[2:], "--workers", "5", *BRISK[:4], "--follow-up-seconds", "1")
    assert "reusing the district seeded before" in again and "stopped:" not in again, again
    with httpx.Client(timeout=10, headers=operator_headers(endpoints["identity"])) as http:
        assert len(cases(http, endpoints["intake"])) == 35
    assert compressed_stack.interrupt() == 0
