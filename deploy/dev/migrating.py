"""Every service's migrations, run in the supervisor while the broker and Temporal start.

One after another in one background thread: Alembic's context is global, and the supervisor has imported
the services already, so this costs no interpreter start per service (seven of them took 8 s in series).
"""

import asyncio
import logging
import threading
from pathlib import Path

from deploy.registry import service_definition
from services.common.migrations import upgrade


class MigrationFailed(RuntimeError):
    """A service's database could not be brought to the newest revision."""


class MigrationsInBackground:
    def __init__(self, database_urls: dict[str, str], log_path: Path) -> None:
        self.database_urls = database_urls
        self.log_path = log_path
        self._failure: MigrationFailed | None = None
        self._thread = threading.Thread(target=self._run, name="migrations", daemon=True)
        self._thread.start()

    def join(self) -> None:
        """Wait until every database is migrated; raise what stopped one."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure

    def _run(self) -> None:
        alembic = logging.getLogger("alembic")
        handler = logging.FileHandler(self.log_path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        alembic.addHandler(handler)
        alembic.setLevel(logging.INFO)
        alembic.propagate = False
        try:
            for service, url in self.database_urls.items():
                try:
                    asyncio.run(upgrade(service_definition(service).migrations_dir, url))
                except Exception as error:
                    alembic.exception("migrating %s failed", service)
                    self._failure = MigrationFailed(f"migrating {service}'s database failed: {error!r}")
                    return
        finally:
            alembic.removeHandler(handler)
            handler.close()
