"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import fediart.store.tables  # noqa: F401
from fediart.store.db import make_engine
from fediart.store.migrate import current_and_head


async def test_migrated_schema_matches_the_models(migrated):
    engine = make_engine(migrated)

    def diff(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)
    current, head = await current_and_head(engine)
    await engine.dispose()
    assert current == head
    assert differences == [], f"models and migrations disagree: {differences}"


async def test_the_server_refuses_to_start_on_an_unmigrated_database(config):
    import pytest

    from fediart.app import DatabaseNotReady, create_app

    app = create_app(config)
    with pytest.raises(DatabaseNotReady, match="run `fediart migrate`"):
        async with app.router.lifespan_context(app):
            pass
