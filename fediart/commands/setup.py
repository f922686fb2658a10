"""Creating and upgrading the database."""

from __future__ import annotations

from fediart.config import Config
from fediart.store.accounts import ensure_instance_actor
from fediart.store.migrate import current_and_head, ensure_schema, upgrade


async def migrate(config: Config, sessions, engine) -> int:
    await ensure_schema(engine, config.database.schema)
    before, head = await current_and_head(engine)
    await upgrade(engine)
    if before == head:
        print(f"database is up to date (revision {head})")
    else:
        print(f"database upgraded from {before or 'empty'} to {head}")
    async with sessions() as session:
        await ensure_instance_actor(session)
    return 0


async def init_database(config: Config, sessions, engine) -> int:
    await migrate(config, sessions, engine)
    print("next: `fediart user create NAME` to add an artist, then `fediart serve`")
    return 0
