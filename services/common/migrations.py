"""Running a service's Alembic migrations as an explicit step (`reemploy migrate <service>`)."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from services.common.db import create_engine, is_sqlite


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade(migrations_dir: Path, database_url: str) -> None:
    """Bring the database at `database_url` to the newest revision."""
    if is_sqlite(database_url) and (path := make_url(database_url).database):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = alembic_config(migrations_dir, database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_run_upgrade, config)
    finally:
        await engine.dispose()


def _run_upgrade(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
