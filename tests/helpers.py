"""Constants and small helpers the tests share (imported by name; conftest files are not modules to import)."""

import os

from fediart.config import Config, config_from_dict

BACKEND = os.environ.get("FEDIART_TEST_DATABASE", "sqlite").lower()
PG_URL = os.environ.get("FEDIART_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")

AP_ACCEPT = "application/activity+json"
LD_ACCEPT = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

LICENCE_HEADERS = ("tdm-reservation", "tdm-policy", "content-usage", "x-robots-tag", "link")


def assert_licence_headers(response, *, reserved: bool = True, policy: str | None = None) -> None:
    """The licence headers every response must carry (research/licence.md (d))."""
    for name in LICENCE_HEADERS:
        assert name in response.headers, f"{response.request.url} lacks the {name} header"
    if reserved:
        assert response.headers["tdm-reservation"] == "1"
        assert "train-ai=n" in response.headers["content-usage"]
        assert "noai" in response.headers["x-robots-tag"] and "noimageai" in response.headers["x-robots-tag"]
    if policy:
        assert response.headers["tdm-policy"] == policy


def make_config(database: dict, tmp_path, domain: str = "art.example", **sections) -> Config:
    raw = {"server": {"domain": domain}, "database": database, "media": {"dir": str(tmp_path / "media")}}
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return config_from_dict(raw, "test.toml")


async def postgres_problem() -> str | None:
    """Why PostgreSQL at PG_URL cannot be used here, or None when it answers."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available here"
        return f"PostgreSQL at {PG_URL} is not reachable: {exc}"
    finally:
        await engine.dispose()


async def migrated_loopback_config(database: dict, tmp_path, port: int) -> Config:
    """The test config for an instance serving on 127.0.0.1:port, its database migrated to head."""
    from fediart.store.db import make_engine
    from fediart.store.migrate import ensure_schema, upgrade

    config = make_config(database, tmp_path, domain=f"127.0.0.1:{port}")
    engine = make_engine(config)
    await ensure_schema(engine, config.database.schema)
    await upgrade(engine)
    await engine.dispose()
    return config
