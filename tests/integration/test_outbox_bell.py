"""A relay's bell rings for commits to its own outbox only, though every service's outbox is named `outbox`
and the compact layout hosts several services' relays in one process."""

import asyncio

from sqlalchemy import MetaData

from contracts.ids import uuid7
from services.common.db import create_engine, session_factory
from services.common.outbox import Outbox, outbox_bell
from services.common.tables import outbox_table
from tests.factories import worker_registered


async def test_a_commit_rings_the_bell_of_its_own_outbox_and_not_another_services(tmp_path):
    tables = {service: outbox_table(MetaData()) for service in ("intake", "training")}
    engines = {service: create_engine(f"sqlite+aiosqlite:///{tmp_path / service}.db") for service in tables}
    try:
        for service, table in tables.items():
            async with engines[service].begin() as connection:
                await connection.run_sync(table.metadata.create_all)
        stop = asyncio.Event()
        with outbox_bell(tables["intake"]) as intake_bell, outbox_bell(tables["training"]) as training_bell:
            async with session_factory(engines["intake"]).begin() as session:
                await Outbox(tables["intake"]).add(
                    session, worker_registered(str(uuid7())), correlation_id="t"
                )
            assert await intake_bell.wait(stop, timeout=60)
            assert not await training_bell.wait(stop, timeout=0)
    finally:
        for engine in engines.values():
            await engine.dispose()
