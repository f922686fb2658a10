"""Schema migrations (alembic, one path for SQLite and PostgreSQL) and the check that a database is ready.

Only `fediart migrate` runs alembic. Checking readiness (every `serve` and `worker` start) reads the
revision table and the migration files' own headers instead: alembic and the mako templates it
loads cost about 10 MiB in a long-running process that never migrates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from fediart.config import Config
from fediart.store.db import DatabaseNotReady, make_engine, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
VERSION_TABLE = "alembic_version"  # alembic's default, which env.py keeps
# The two header lines alembic writes in every revision file, e.g. `down_revision = "0012"`.
_HEADER = re.compile(r"""^(revision|down_revision)\s*(?::[^=]+)?=\s*(None|"[^"]*"|'[^']*')\s*$""", re.M)


def alembic_config() -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

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
    from alembic import command

    cfg = alembic_config()

    def run(connection) -> None:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)


@lru_cache(maxsize=1)
def known_revisions() -> tuple[frozenset[str], str]:
    """Every revision the migration files define, and the head: the one no other names as its parent."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        header = {key: value.strip("\"'") for key, value in _HEADER.findall(path.read_text("utf-8"))}
        if "revision" not in header:
            continue
        revisions.add(header["revision"])
        if header.get("down_revision", "None") != "None":
            parents.add(header["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, not {sorted(heads)}")
    return frozenset(revisions), heads.pop()


async def current_and_head(engine: AsyncEngine) -> tuple[str | None, str]:
    """The database's revision (None before the first migration) and the newest one this code knows."""
    _, head = known_revisions()

    def current(connection) -> str | None:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()

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
    known, _ = known_revisions()
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
