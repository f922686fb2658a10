"""A pooled PostgreSQL connection cut while idle (a restart, a firewall) is replaced, not handed out."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import fediart.store.db as db
from fediart.store.db import make_engine


async def test_a_connection_cut_while_idle_is_replaced_before_use(migrated, monkeypatch):
    engine = make_engine(migrated)
    if engine.dialect.name != "postgresql":
        await engine.dispose()
        pytest.skip("SQLite opens a file, there is no connection to lose; this checks PostgreSQL's pool")
    try:
        async with engine.connect() as conn:
            cut_pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        killer = make_engine(migrated)
        async with killer.connect() as conn:  # what a database restart does to every idle connection
            assert (await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": cut_pid})).scalar_one()
        await killer.dispose()
        monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has been idle "long enough"
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one() != cut_pid
    finally:
        await engine.dispose()
