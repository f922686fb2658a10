"""`fediart user block|unblock|mute|unmute NAME WHO`: what the remote server receives and the rows that result."""

import pytest

from sqlmodel import select

from fediart.commands import CliError
from fediart.store.tables import ActorRestriction
from fediart.worker import run_due_work


async def _kinds(services):
    async with services.sessions() as session:
        return sorted(r.kind for r in (await session.exec(select(ActorRestriction))).all())


async def test_block_tells_them_and_mute_does_not(cli, network, services, make_artist):
    await make_artist("ana")
    bob, carol = network.add_actor("bob"), network.add_actor("carol")
    assert await cli("user", "block", "ana", bob.uri) == "ana blocks @bob@remote.example\n"
    assert await cli("user", "mute", "ana", carol.uri) == "ana mutes @carol@remote.example\n"
    await run_due_work(services)
    sent = [(r.url, r.body["type"], r.body["object"]) for r in network.received]
    assert (f"{bob.uri}/inbox", "Block", bob.uri) in sent  # their own inbox, as Mastodon sends it
    assert not any(o == carol.uri for _, _, o in sent)
    assert await _kinds(services) == ["block", "mute"]
    assert await cli("user", "unmute", "ana", carol.uri) == "ana no longer mutes @carol@remote.example\n"
    assert await cli("user", "unmute", "ana", carol.uri) == "ana was not muting @carol@remote.example\n"
    assert await cli("user", "unblock", "ana", bob.uri) == "ana no longer blocks @bob@remote.example\n"
    assert await _kinds(services) == []
    with pytest.raises(CliError, match="no artist named zed"):
        await cli("user", "block", "zed", bob.uri)


async def test_a_blocked_actor_gets_nothing_more_even_when_mentioned(cli, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob", shared_inbox=False)
    assert await cli("user", "block", "ana", bob.uri) == "ana blocks @bob@remote.example\n"
    await run_due_work(services)
    network.received.clear()
    await cli("post", "ana", "--text", "hello @bob@remote.example")
    await run_due_work(services)
    assert [r.url for r in network.received if r.url.startswith(bob.uri)] == []
    assert await cli("user", "unblock", "ana", bob.uri) == "ana no longer blocks @bob@remote.example\n"
    network.received.clear()
    await cli("post", "ana", "--text", "hello again @bob@remote.example")
    await run_due_work(services)
    # The Undo{Block} and the Create leave in one batch, in either order.
    assert sorted(r.body["type"] for r in network.received if r.url == bob.inbox) == ["Create", "Undo"]
