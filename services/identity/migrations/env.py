"""Alembic environment for the identity database; run through `reemploy migrate identity`."""

from alembic import context

from services.identity.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
