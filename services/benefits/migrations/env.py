"""Alembic environment for the benefits database; run through `reemploy migrate benefits`."""

from alembic import context

from services.benefits.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
