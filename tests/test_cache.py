"""The document cache: a change made by another process (the CLI) shows once the entry expires, not before."""

from __future__ import annotations

import asyncio
import time

import pytest
from fakes import signed_get
from helpers import AP_ACCEPT, make_config

from fediart.store.accounts import create_account, get_account

TTL = 3.0  # [server] document_cache_seconds for these tests (long enough for a loaded CI machine)


@pytest.fixture
async def config(database_settings, tmp_path):
    return make_config(database_settings, tmp_path, server={"document_cache_seconds": TTL})


async def rename_elsewhere(services, username: str, display_name: str) -> None:
    """What `fediart user edit` does from its own process: write the row, tell this cache nothing."""
    async with services.sessions() as session:
        account = await get_account(session, username)
        account.display_name = display_name
        session.add(account)
        await session.commit()


async def wait_past_expiry(cached_at: float) -> None:
    await asyncio.sleep(max(0.0, cached_at + TTL - time.monotonic()) + 0.1)


async def test_an_actor_changed_elsewhere_shows_after_expiry_and_not_before(client, services, make_artist, network):
    await make_artist("ana", display_name="Ana")
    cached_at = time.monotonic()
    assert (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()["name"] == "Ana"
    await rename_elsewhere(services, "ana", "Ana Lima")
    before = (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()["name"]
    assert time.monotonic() - cached_at < TTL, "the machine was too slow to observe the cached copy"
    assert before == "Ana"
    await wait_past_expiry(cached_at)
    assert (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()["name"] == "Ana Lima"


async def test_an_artist_created_elsewhere_is_found_by_webfinger_after_expiry(client, services):
    params = {"resource": "acct:bea@art.example"}
    cached_at = time.monotonic()
    assert (await client.get("/.well-known/webfinger", params=params)).status_code == 404
    async with services.sessions() as session:
        await create_account(session, "bea")  # `fediart user create bea`, from another process
    before = (await client.get("/.well-known/webfinger", params=params)).status_code
    assert time.monotonic() - cached_at < TTL, "the machine was too slow to observe the cached copy"
    assert before == 404
    await wait_past_expiry(cached_at)
    response = await client.get("/.well-known/webfinger", params=params)
    assert response.status_code == 200
    assert response.json()["subject"] == "acct:bea@art.example"
