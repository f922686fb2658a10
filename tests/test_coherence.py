"""Cross-process cache coherence (fediart/coherence.py): two apps on one PostgreSQL schema stand in for two
processes; every cache keeps entries 300 s, so only a message can explain a change showing at once.
The multi-process version (real `serve` and `worker` processes) is tests/federation/test_processes.py.
"""

from __future__ import annotations

import asyncio
import re
import time

import httpx
import pytest
from fakes import signed_get
from helpers import AP_ACCEPT, BACKEND, BROWSER_ACCEPT, make_config
from instance import eventually
from posting import publish
from sqlalchemy import text

from fediart import cli
from fediart.actions.domain_blocks import BlockOptions, add_block
from fediart.actions.interactions import interact
from fediart.actions.profile import ProfileChanges, update_profile
from fediart.app import create_app
from fediart.coherence import MAX_PAYLOAD, Kind, Message, channel_for, decode, encode, listen_dsn
from fediart.licence.crawlers import crawler_list, replace_crawlers
from fediart.services import build_services
from fediart.store.accounts import get_account
from fediart.store.states import InteractionKind
from fediart.streaming.hub import Event, EventKind, Source

LONG = 300.0
on_postgres = pytest.mark.skipif(BACKEND != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's")


@pytest.fixture
async def config(database_settings, tmp_path):
    return make_config(database_settings, tmp_path, server={"document_cache_seconds": LONG})


@pytest.fixture
async def other(migrated, network):
    """A second app on the same database: another `fediart serve` process, as far as caches go."""
    application = create_app(migrated, run_worker=False, http=network.client())
    async with application.router.lifespan_context(application):
        services = application.state.services
        services.policy.ttl = LONG  # so that only a message can make it reread the rules
        await _listening(services)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application),
                                     base_url=migrated.base_url) as client:
            yield services, client


async def _listening(services) -> None:
    await asyncio.wait_for(services.listener.connected.wait(), 10)


async def _name(client, network) -> str:
    return (await signed_get(client, network.fetcher(), "/users/ana", AP_ACCEPT)).json()["name"]


def test_a_message_survives_encoding_and_an_oversized_one_becomes_everything():
    assert decode(encode("me", Message.account("ana"))) == ("me", Message(Kind.ACCOUNT, "ana"))
    assert decode(encode("me", Message.post_page(42))) == ("me", Message(Kind.POST_PAGE, "42"))
    named = Message(Kind.NAMED, "status/remote/1")
    assert decode(encode("me", named)) == ("me", named)
    assert decode(encode("me", Message.remote_actor("https://x.example/" + "a" * MAX_PAYLOAD))) == \
        ("me", Message(Kind.EVERYTHING))
    for junk in ("not json", '{"o": "x", "k": "nonsense"}', "[]", '{"k": "policy"}'):
        assert decode(junk) is None


def test_the_listening_dsn_is_asyncpgs_own():
    assert listen_dsn("postgresql+asyncpg://fediart:s3cret@db:5432/fediart?prepared_statement_cache_size=0"
                      "&sslmode=require") == "postgresql://fediart:s3cret@db:5432/fediart?sslmode=require"


def test_each_schema_has_its_own_channel_and_names_stay_identifiers():
    assert channel_for("") != channel_for("t_one") != channel_for("t_two")
    assert len(channel_for("s" * 63)) <= 63
    assert channel_for("s" * 63) != channel_for("s" * 62 + "t")


async def test_sqlite_neither_sends_nor_listens(database_settings, tmp_path):
    if BACKEND != "sqlite":
        pytest.skip("the SQLite pass checks this")
    services = build_services(make_config(database_settings, tmp_path))
    assert services.broadcaster is None
    services.cache.forget_account("ana")  # nothing to send to, and no error
    await services.engine.dispose()


@on_postgres
async def test_a_profile_change_in_one_process_shows_in_the_other_at_once(client, services, other, make_artist,
                                                                         network):
    other_services, other_client = other
    account = await make_artist("ana", display_name="Ana")
    assert await _name(client, network) == "Ana" and await _name(other_client, network) == "Ana"  # both cached
    await update_profile(services, account, ProfileChanges(display_name="Ana Lima"))

    async def renamed() -> bool:
        return await _name(other_client, network) == "Ana Lima"

    started = time.monotonic()
    await eventually(renamed, timeout=10, interval=0.02, what="the other process to show the new name")
    assert time.monotonic() - started < 1.0
    assert other_services.listener.received >= 1
    assert services.listener.received == 0  # a process skips its own messages


@on_postgres
async def test_a_like_in_one_process_shows_on_the_post_page_of_the_other_at_once(client, services, other, make_artist):
    other_services, other_client = other
    await make_artist("ana")
    zoe = await make_artist("zoe")
    post = await publish(services, text="Heron")

    async def likes(http) -> str:
        html = (await http.get(f"/@ana/{post.id}", headers={"Accept": BROWSER_ACCEPT})).text
        return re.search(r'<span class="count-likes">([^<]*)</span>', html).group(1)

    assert await likes(client) == "0 likes" and await likes(other_client) == "0 likes"  # both cached
    received = other_services.listener.received
    await interact(services, zoe, InteractionKind.LIKE, post.id)

    async def counted() -> bool:
        return await likes(other_client) == "1 like"

    await eventually(counted, timeout=10, interval=0.02, what="the other process to count the like")
    assert other_services.listener.received > received


@on_postgres
async def test_a_block_made_with_only_the_sessions_reaches_every_process(services, other):
    other_services, _ = other
    assert (await other_services.policy.check_host("bad.example")).allowed  # rules loaded, kept 300 s
    await add_block(services.sessions, "bad.example", BlockOptions(severity="suspend"))  # as the CLI calls it

    async def refused() -> bool:
        return not (await other_services.policy.check_host("bad.example")).allowed

    await eventually(refused, timeout=5, interval=0.02, what="the other process to enforce the block")


@on_postgres
async def test_crawler_list_and_remote_actor_forgets_reach_the_other_process(services, other, network):
    other_services, other_client = other
    # The other process remembers the fetcher's key (by verifying one of its requests) and the crawler list.
    await signed_get(other_client, network.fetcher(), "/users/nobody", AP_ACCEPT)
    fetcher = network.fetcher()
    assert fetcher.key_id in other_services.remote_actors._by_key
    assert "GPTBot" in await crawler_list(other_services.sessions).agents()
    await replace_crawlers(services.sessions, ["OnlyThisBot"])
    await services.remote_actors.forget(fetcher.uri)  # its server said it was deleted

    async def forgotten() -> bool:
        return fetcher.key_id not in other_services.remote_actors._by_key \
            and await crawler_list(other_services.sessions).agents() == ("OnlyThisBot",)

    await eventually(forgotten, timeout=5, interval=0.02, what="the other process to forget")


@on_postgres
async def test_a_forget_by_name_reaches_the_other_process(services, other):
    """A remote note's edit or a remote actor stored again (cache.forget) drops what the other process
    keeps under that name: the client API's cached Status and Account parts."""
    other_services, _ = other
    other_services.cache.remember(("status", "remote", 1), "kept", ("https://remote.example/users/bob",))
    other_services.cache.remember(("status", "remote", 2), "kept too", ("https://remote.example/users/eve",))
    services.cache.forget("https://remote.example/users/bob")

    async def forgotten() -> bool:
        return other_services.cache.recall(("status", "remote", 1)) is None

    await eventually(forgotten, timeout=5, interval=0.02, what="the other process to forget by name")
    assert other_services.cache.recall(("status", "remote", 2)) == "kept too"


@on_postgres
async def test_the_cli_tells_running_servers(client, other, make_artist, network, migrated, tmp_path):
    _, other_client = other
    params = {"resource": f"acct:bea@{migrated.domain}"}
    assert (await other_client.get("/.well-known/webfinger", params=params)).status_code == 404  # cached 300 s
    path = tmp_path / "fediart.toml"
    database = migrated.database
    path.write_text(f'[server]\ndomain = "{migrated.domain}"\n'
                    f'[database]\nurl = "{database.url}"\nschema = "{database.schema}"\n'
                    f'[media]\ndir = "{tmp_path}/media"\n')
    code = await asyncio.to_thread(cli.main, ["user", "create", "bea", "--config", str(path)])
    assert code == 0

    async def found() -> bool:
        return (await other_client.get("/.well-known/webfinger", params=params)).status_code == 200

    await eventually(found, timeout=5, interval=0.02, what="the new artist to be found")
    assert (await signed_get(other_client, network.fetcher(), "/users/bea", AP_ACCEPT)).json()["name"] == "bea"
    code = await asyncio.to_thread(cli.main, ["user", "update", "bea", "--display-name", "Bea", "--config", str(path)])
    assert code == 0

    async def renamed() -> bool:
        return (await signed_get(other_client, network.fetcher(), "/users/bea", AP_ACCEPT)).json()["name"] == "Bea"

    await eventually(renamed, timeout=5, interval=0.02, what="the profile change to show")


@on_postgres
async def test_a_lost_connection_is_reopened_and_the_caches_cleared(services, other, make_artist, network):
    other_services, other_client = other
    await make_artist("ana", display_name="Ana")
    assert await _name(other_client, network) == "Ana"
    async with services.sessions() as session:  # changed without telling anyone: only a clear shows it
        account = await get_account(session, "ana")
        account.display_name = "Ana Lima"
        session.add(account)
        await session.commit()
    assert await _name(other_client, network) == "Ana"
    async with services.engine.connect() as conn:
        killed = (await conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = :listen"),
            {"listen": f'LISTEN "{other_services.listener.channel}"'})).all()
        await conn.commit()
    assert len(killed) == 2  # both apps' listeners

    async def cleared() -> bool:
        return other_services.listener.connected.is_set() and await _name(other_client, network) == "Ana Lima"

    await eventually(cleared, timeout=10, interval=0.05, what="the listener to reconnect and clear")
    # And it hears messages again.
    before = other_services.listener.received
    services.cache.forget_account("ana")
    await eventually(lambda: other_services.listener.received > before, timeout=5, interval=0.02,
                     what="a message after the reconnection")


@on_postgres
async def test_a_malformed_message_is_ignored_and_listening_goes_on(services, other):
    other_services, _ = other
    async with services.engine.connect() as conn:
        await conn.execute(text("SELECT pg_notify(:channel, 'garbage')"), {"channel": other_services.listener.channel})
        await conn.commit()
    before = other_services.listener.received
    services.cache.forget_account("ana")
    await eventually(lambda: other_services.listener.received > before, timeout=5, interval=0.02,
                     what="the next good message")
    assert other_services.listener.connected.is_set()


def test_a_streaming_event_survives_the_wire_and_junk_is_refused():
    event = Event(EventKind.NOTIFICATION, Source.NOTIFICATION, 12, account_id=3)
    assert Event.from_wire(event.to_wire()) == event
    for junk in ("[]", '["update", "post", "7"]', '["nonsense", "post", 7, null]', "{", '["update","post",7,"x"]'):
        with pytest.raises(ValueError):
            Event.from_wire(junk)


@on_postgres
async def test_a_post_made_in_one_process_streams_to_the_clients_of_the_other(client, other, make_artist, bearer):
    other_services, _ = other
    ana = await make_artist("ana")
    connection = other_services.events.subscribe(ana.id)  # a streaming client connected to the other server
    response = await client.post("/api/v1/statuses", data={"status": "hello"}, headers=await bearer(ana))
    assert response.status_code == 200, response.text
    event = await asyncio.wait_for(connection.queue.get(), 5)
    assert (event.kind, event.source, event.row_id) == (EventKind.UPDATE, Source.POST, int(response.json()["id"]))
