"""A migrated database made once per test session, copied into each test's fresh database.

Running every alembic migration for each of the suite's ~1,000 tests cost 0.2 s on SQLite and 0.4 s on
PostgreSQL per test. The template is built by the real migrations, so what a test gets is exactly what
`fediart migrate` makes; only the copying is quicker:
- SQLite: the migrated file is copied.
- PostgreSQL: pg_dump prints the migrated schema's DDL once; each test runs it with its own schema's
  name in one round trip, then stamps the alembic revision. Without pg_dump the migrations run per test.
"""

from __future__ import annotations

import asyncio
import os
import threading
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy import text

from fediart.store.db import make_engine
from fediart.store.migrate import ensure_schema, upgrade
from helpers import PG_URL, make_config


async def _migrate(settings: dict, tmp: Path) -> str:
    """Run the migrations into `settings`' database; return the alembic revision reached."""
    config = make_config(settings, tmp)
    engine = make_engine(config)
    try:
        await ensure_schema(engine, config.database.schema)
        await upgrade(engine)
        async with engine.connect() as conn:
            return (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    finally:
        await engine.dispose()


def _run(coroutine):
    """Run a coroutine to the end on its own loop in a new thread (the caller's loop may be running)."""
    result: list = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def _libpq_url() -> str:
    return PG_URL.replace("postgresql+asyncpg://", "postgresql://", 1)


@dataclass
class SqliteTemplate:
    path: Path

    async def materialise(self, settings: dict, tmp: Path) -> None:
        target = settings["url"].removeprefix("sqlite+aiosqlite:///")
        shutil.copyfile(self.path, target)


@dataclass
class PostgresTemplate:
    ddl: str | None  # with the placeholder schema name; None: no pg_dump, migrate per test
    placeholder: str
    revision: str

    async def materialise(self, settings: dict, tmp: Path) -> None:
        if self.ddl is None:
            await _migrate(settings, tmp)
            return
        conn = await asyncpg.connect(_libpq_url())
        try:
            await conn.execute(self.ddl.replace(self.placeholder, settings["schema"]))
            await conn.execute(f'INSERT INTO "{settings["schema"]}".alembic_version VALUES ($1)', self.revision)
        finally:
            await conn.close()


def _dump(schema: str) -> str | None:
    if shutil.which("pg_dump") is None:
        return None
    done = subprocess.run(["pg_dump", "--schema-only", "--no-owner", "--no-privileges", f"--schema={schema}",
                           f"--dbname={_libpq_url()}"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return None
    # psql meta-commands (\restrict in newer pg_dump) are not SQL.
    return "\n".join(line for line in done.stdout.splitlines() if not line.startswith("\\"))


async def _drop(schema: str) -> None:
    conn = await asyncpg.connect(_libpq_url())
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def build(backend: str, tmp: Path):
    """The template for this session's backend."""
    if backend == "sqlite":
        path = tmp / "template.sqlite3"
        _run(_migrate({"url": f"sqlite+aiosqlite:///{path}"}, tmp))
        return SqliteTemplate(path)
    placeholder = f"tpl_{uuid.uuid4().hex}_{os.getpid()}"
    try:
        revision = _run(_migrate({"url": PG_URL, "schema": placeholder}, tmp))
        ddl = _dump(placeholder)
    finally:
        _run(_drop(placeholder))
    if ddl is not None and not re.search(rf"CREATE TABLE {placeholder}\.", ddl):
        ddl = None
    return PostgresTemplate(ddl, placeholder, revision)
