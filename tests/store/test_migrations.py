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


def test_the_head_read_from_the_files_is_alembics():
    """Readiness checks read the migration headers without alembic; they must agree with it."""
    from alembic.script import ScriptDirectory

    from fediart.store.migrate import alembic_config, known_revisions

    script = ScriptDirectory.from_config(alembic_config())
    known, head = known_revisions()
    assert head == script.get_current_head()
    assert known == {s.revision for s in script.walk_revisions()}
