"""Alembic environment for the placement database; run through `reemploy migrate placement`."""

from alembic import context

from services.placement.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
