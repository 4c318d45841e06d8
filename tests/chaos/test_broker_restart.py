"""The in-memory broker dies mid-stream and comes back empty: every registered worker gets one journey."""

import asyncio

from prometheus_client import REGISTRY

from contracts.journey import journey_id
from tests.factories import registration

WORKERS = 40
REQUEUED = ("reemploy_outbox_republished_total", {"service": "intake", "reason": "broker_lost_messages"})


def requeued() -> float:
    return REGISTRY.get_sample_value(*REQUEUED) or 0.0


async def test_broker_killed_and_restarted_mid_stream_leaves_every_worker_with_one_journey(pipeline, broker):
    case_ids: list[str] = []
    requeued_before = requeued()

    async def register_steadily() -> None:
        for _ in range(WORKERS):
            case_ids.append(await pipeline.register(registration()))
            await asyncio.sleep(0.1)

    registering = asyncio.create_task(register_steadily())
    await asyncio.sleep(1.5)
    broker.kill()
    await asyncio.sleep(1.5)
    await broker.start()
    await registering

    for case_id in case_ids:
        assert (await pipeline.journey(case_id, timeout=90))["stage"] == "assessment"
    runs = [
        execution.id
        async for execution in pipeline.client.list_workflows(f"TaskQueue = '{pipeline.task_queue}'")
    ]
    assert sorted(runs) == sorted(journey_id(case_id) for case_id in case_ids)
    assert requeued() > requeued_before, "the relay should have published the lost epoch again"
