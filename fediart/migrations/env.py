"""Alembic environment: runs migrations on the connection fediart hands in (SQLite or PostgreSQL)."""

from alembic import context
from sqlmodel import SQLModel

import fediart.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
