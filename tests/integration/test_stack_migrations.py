"""`make up`'s migrations in the supervisor's background thread: every database at its newest revision, and
a failure that names the service and its log."""

import sqlite3
from pathlib import Path

import pytest

from deploy.dev.migrating import MigrationFailed, MigrationsInBackground
from deploy.registry import service_definitions


def tables_of(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_every_service_database_is_migrated_and_the_log_kept(tmp_path):
    urls = {name: f"sqlite+aiosqlite:///{tmp_path / f'{name}.db'}" for name in service_definitions()}
    MigrationsInBackground(urls, tmp_path / "migrate.log").join()
    for name in urls:
        tables = tables_of(tmp_path / f"{name}.db")
        assert {"alembic_version", "outbox"} <= tables, name
    assert "Running upgrade" in (tmp_path / "migrate.log").read_text()


def test_a_database_that_cannot_be_migrated_fails_naming_its_service(tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    urls = {
        "identity": f"sqlite+aiosqlite:///{tmp_path / 'identity.db'}",
        "intake": f"sqlite+aiosqlite:///{blocked / 'intake.db'}",
    }
    migrations = MigrationsInBackground(urls, tmp_path / "migrate.log")
    with pytest.raises(MigrationFailed, match="intake"):
        migrations.join()
    assert "migrating intake failed" in (tmp_path / "migrate.log").read_text()
