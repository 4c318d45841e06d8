"""The chaos tests' report: each siege's recovery table, printed in the run's summary."""

import pytest

REPORT = pytest.StashKey[list[str]]()


@pytest.fixture
def chaos_report(request: pytest.FixtureRequest) -> list[str]:
    return request.config.stash.setdefault(REPORT, [])


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    tables = config.stash.get(REPORT, [])
    if tables:
        terminalreporter.section("chaos: recovery from each fault")
        for table in tables:
            terminalreporter.write_line(table)
