"""Alembic environment for the intake database; run through `reemploy migrate intake`."""

from alembic import context

from services.intake.models import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
