"""The bridge process's router: a key's run of events to each bridge, merged into one outcome per event."""

from services.common.consumer import AppliesRuns
from tests.factories import registered_envelope
from workflows.bridge import EventRouter


class RunBridge:
    """Takes runs; applies the events of case "journey", ignores the rest."""

    def __init__(self) -> None:
        self.runs: list[list[str]] = []

    async def __call__(self, envelope):
        raise AssertionError("a bridge that takes runs is not called one event at a time")

    async def apply_run(self, envelopes):
        self.runs.append([envelope.subject for envelope in envelopes])
        return ["applied" if envelope.subject == "journey" else "ignored" for envelope in envelopes]


class OneByOneBridge:
    """Applies the events of case "complaint", one at a time."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def __call__(self, envelope):
        self.seen.append(envelope.subject)
        return "applied" if envelope.subject == "complaint" else "ignored"


async def test_a_run_goes_whole_to_a_bridge_that_takes_runs_and_event_by_event_to_the_others():
    runs, one_by_one = RunBridge(), OneByOneBridge()
    router = EventRouter(runs, one_by_one)
    envelopes = [registered_envelope(case) for case in ("journey", "complaint", "neither")]

    assert isinstance(router, AppliesRuns) and not isinstance(one_by_one, AppliesRuns)
    assert await router.apply_run(envelopes) == ["applied", "applied", "ignored"]
    assert runs.runs == [["journey", "complaint", "neither"]]
    assert one_by_one.seen == ["journey", "complaint", "neither"]
