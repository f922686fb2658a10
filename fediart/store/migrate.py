"""Schema migrations (alembic, one path for SQLite and PostgreSQL) and the check that a database is ready."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from fediart.config import Config
from fediart.store.db import DatabaseNotReady, make_engine, sqlite_path

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


async def ensure_schema(engine: AsyncEngine, schema: str) -> None:
    """Create the PostgreSQL schema named in the config, if any."""
    if schema and engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    cfg = alembic_config()

    def run(connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


async def current_and_head(engine: AsyncEngine) -> tuple[str | None, str]:
    """The database's revision and the newest one this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()

    def current(connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as conn:
        return await conn.run_sync(current), head


def first_line(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's wrapping and links."""
    lines = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


async def check_ready(engine: AsyncEngine, config: Config) -> None:
    """Raise DatabaseNotReady unless the database answers and its schema is the newest this code knows."""
    path = sqlite_path(config.database.url)
    if path is not None and not path.exists():
        # Connecting would create an empty file and every command would then fail on a missing table.
        raise DatabaseNotReady(f"no database at {path}: run `fediart migrate` to create it, "
                               f"or check [database] url in {config.path}")
    try:
        current, head = await current_and_head(engine)
    except (OSError, SQLAlchemyError) as exc:
        raise DatabaseNotReady(f"cannot reach the database: {first_line(exc)}") from None
    if current == head:
        return
    if current is None:
        raise DatabaseNotReady("the database has no fediart tables yet: run `fediart migrate`")
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        raise DatabaseNotReady(f"the database schema is at revision {current}, newer than this fediart knows "
                               f"({head}): upgrade fediart")
    raise DatabaseNotReady(f"the database schema is at revision {current} and this fediart needs {head}: "
                           f"run `fediart migrate`")


async def check_database(config: Config) -> None:
    """check_ready on an engine of its own, for commands that start their own (serve, worker)."""
    engine = make_engine(config)
    try:
        await check_ready(engine, config)
    finally:
        await engine.dispose()
