"""The readiness check every command runs first: what it tells the admin about each state of the database."""

import pytest
from sqlalchemy import text

from fediart.store.db import DatabaseNotReady, make_engine, sqlite_path
from fediart.store.migrate import check_ready, ensure_schema, upgrade


async def test_each_state_of_the_database_is_named_with_what_to_do(config):
    engine = make_engine(config)
    try:
        path = sqlite_path(config.database.url)
        if path is not None:
            with pytest.raises(DatabaseNotReady, match=f"^no database at {path}: run `fediart migrate` to create it"):
                await check_ready(engine, config)
            assert not path.exists()  # the check itself created nothing
            path.touch()
        with pytest.raises(DatabaseNotReady, match="^the database has no fediart tables yet: run `fediart migrate`$"):
            await check_ready(engine, config)

        await ensure_schema(engine, config.database.schema)
        await upgrade(engine)
        await check_ready(engine, config)  # up to date: nothing to say

        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
        with pytest.raises(DatabaseNotReady, match="revision 9999_from_the_future, newer than this fediart knows"):
            await check_ready(engine, config)
    finally:
        await engine.dispose()
