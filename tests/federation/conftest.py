"""Fixtures for federation tests: real fediart processes, cleaned up after each test."""

from __future__ import annotations

import pytest
from instance import Instance
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine


@pytest.fixture
async def instances(tmp_path, database_settings):
    """A factory: `await instances("a")` starts a fediart instance; all are stopped afterwards."""
    started: list[Instance] = []

    async def start(name: str, **worker) -> Instance:
        instance = Instance(tmp_path, database_settings, name, **worker)
        started.append(instance)
        await instance.start()
        return instance

    yield start
    for instance in started:
        instance.stop()
    if not database_settings["url"].startswith("sqlite"):
        engine = create_async_engine(database_settings["url"])
        async with engine.begin() as conn:
            for instance in started:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{instance.schema}" CASCADE'))
        await engine.dispose()
