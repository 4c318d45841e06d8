"""Alembic environment for the complaints database; run through `reemploy migrate complaints`."""

from alembic import context

from services.complaints.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
