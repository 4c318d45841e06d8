"""Alembic environment for the console database; run through `reemploy migrate console`."""

from alembic import context

from services.console.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
