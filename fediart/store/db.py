"""The database engine: SQLite (embedded default) or PostgreSQL, both through SQLAlchemy's async API."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.config import Config


class DatabaseNotReady(Exception):
    """The database cannot serve this version of fediart yet (unreachable, missing, not migrated); one line."""


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(config: Config) -> AsyncEngine:
    """Create the engine; SQLite gets WAL and a busy timeout, PostgreSQL gets the configured schema."""
    url = config.database.url
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    connect_args = {}
    if config.database.schema:
        connect_args["server_settings"] = {"search_path": config.database.schema}
    engine = create_async_engine(url, connect_args=connect_args, pool_size=10, max_overflow=10)
    event.listen(engine.sync_engine, "checkin", _note_idle_since)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    return engine


# A pooled connection that sat idle may have been cut (a database restart, a firewall's idle timeout),
# so it is checked before use, but only then: asyncpg's ping is three round trips (BEGIN, a no-op,
# ROLLBACK), which on every checkout cost a fifth of receiving an activity. A connection reused
# within seconds is as alive as the last statement it ran.
PING_AFTER_IDLE_SECONDS = 5.0


def _note_idle_since(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:  # the pool drops this connection and hands out a fresh one
        raise DisconnectionError(f"a pooled connection was lost while idle: {exc}") from exc


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web server read while the worker writes; the busy timeout rides out short locks.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class WriteTurns:
    """Hot write transactions of this process, one at a time on SQLite, in the order they asked.

    SQLite lets one writer in at a time whatever we do. A writer that finds the file locked is put
    to sleep by the driver's busy handler in growing steps (1, 2, 5 ... 100 ms) and tries again, so
    with many concurrent writers most of the time goes to sleeping while the file is free. Queueing
    here hands the turn over the moment the last writer commits. PostgreSQL locks rows, not the
    database, so there it is a no-op. Take it around a whole write transaction and nothing inside
    it that takes it again (it is not re-entrant).
    """

    def __init__(self, serialise: bool) -> None:
        self._lock = asyncio.Lock() if serialise else None

    def __call__(self) -> AbstractAsyncContextManager:
        return self._lock if self._lock is not None else nullcontext()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
