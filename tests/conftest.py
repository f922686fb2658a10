"""Shared fixtures: a fresh database per test (SQLite file or a PostgreSQL schema), the app, a client.

FEDIART_TEST_DATABASE=postgresql runs the suite on PostgreSQL (FEDIART_TEST_PG_URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/test); the default is SQLite.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

import schema_template as schema_template_module
from helpers import BACKEND, PG_URL, make_config, postgres_problem

from fediart.app import create_app
from fediart.config import Config
from fediart.oauth.tokens import issue_token
from fediart.services import Services
from fediart.store.tables import OAuthApp



@pytest.fixture
async def database_settings(tmp_path) -> AsyncIterator[dict]:
    """[database] settings for one test: a new SQLite file, or a new PostgreSQL schema dropped afterwards."""
    if BACKEND == "sqlite":
        yield {"url": f"sqlite+aiosqlite:///{tmp_path}/fediart.sqlite3"}
        return
    reason = await postgres_problem()
    if reason:
        if os.environ.get("FEDIART_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    yield {"url": PG_URL, "schema": schema}
    engine = create_async_engine(PG_URL)
    async with engine.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    await engine.dispose()


@pytest.fixture
async def config(database_settings, tmp_path) -> Config:
    return make_config(database_settings, tmp_path)


_KEY_POOL: list[tuple[str, str]] = []
_KEY_POOL_SIZE = 32


@pytest.fixture(autouse=True)
def pooled_keys(monkeypatch):
    """Artists' RSA keys come from a pool made once per session, cycled (distinct within any one test).

    Generating a key costs ~35 ms and loading its PEM ~27 ms on this machine; tests make thousands.
    Servers started as separate processes still generate their own.
    """
    from fediart.activitypub.keys import generate_key_pair
    from fediart.store import accounts

    turn = iter(range(10**9))

    def pooled() -> tuple[str, str]:
        index = next(turn) % _KEY_POOL_SIZE
        if index >= len(_KEY_POOL):
            _KEY_POOL.append(generate_key_pair())
        return _KEY_POOL[index]

    monkeypatch.setattr(accounts, "generate_key_pair", pooled)


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory):
    """The migrated schema, built once per session (see schema_template.py); only when a test needs it."""
    return schema_template_module.build(BACKEND, tmp_path_factory.mktemp("template"))


@pytest.fixture
async def migrated(config, database_settings, tmp_path, request) -> AsyncIterator[Config]:
    """The config, with its database migrated to the newest schema."""
    # Asked for here, after database_settings has skipped or failed an unreachable PostgreSQL.
    template = request.getfixturevalue("schema_template")
    await template.materialise(database_settings, tmp_path)
    yield config


@pytest.fixture
def network():
    """The fake internet: remote actors and documents, and a record of what was delivered."""
    from fakes import FakeNetwork

    return FakeNetwork()


@pytest.fixture
async def app(migrated, network):
    # No background worker: tests run due work explicitly (fediart.worker.run_due_work).
    application = create_app(migrated, run_worker=False, http=network.client())
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def services(app) -> Services:
    return app.state.services


@pytest.fixture
async def client(app, migrated) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=migrated.base_url) as http:
        yield http


@pytest.fixture
def make_artist(services):
    """Create an artist account through the store, as `fediart user create` does."""
    from fediart.store.accounts import create_account

    async def make(name: str = "ana", **options):
        options.setdefault("display_name", name.capitalize())
        async with services.sessions() as session:
            account = await create_account(session, name, **options)
        services.cache.clear()
        return account

    return make


@pytest.fixture
def token_for(services):
    """token_for(account, scopes="read write follow push") -> a new access token string, issued as
    /oauth/token issues one, for a new app each time (so one test may ask for several)."""

    async def make(account, scopes: str = "read write follow push") -> str:
        async with services.sessions() as session:
            app = OAuthApp(name="test client", client_id=f"client-{secrets.token_hex(8)}",
                           client_secret_hash="0" * 64, redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes=scopes)
            session.add(app)
            await session.commit()
            issued = await issue_token(session, app_id=app.id, account=account, scopes=scopes.split())
        return issued.access_token

    return make


@pytest.fixture
def bearer(token_for):
    """bearer(account) -> headers carrying a full-scope token for that artist."""

    async def make(account, scopes: str = "read write follow push") -> dict[str, str]:
        return {"Authorization": f"Bearer {await token_for(account, scopes)}"}

    return make
