"""Alembic environment for the training database; run through `reemploy migrate training`."""

from alembic import context

from services.training.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
