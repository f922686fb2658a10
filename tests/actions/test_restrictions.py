"""Blocks and mutes: idempotent, a block ends follows both ways, only a remote block is sent."""

import pytest
from inbox.activities import rows
from posting import add_remote

from fediart.actions import follows, restrictions
from fediart.actions.accounts import find_actor
from fediart.actions.errors import ActionError
from fediart.store.pages import Page
from fediart.api.params import Params
from fediart.store.states import Restriction
from fediart.store.tables import ActorRestriction, Follower, Following
from fediart.worker import run_due_work


async def test_block_is_idempotent_and_sends_one_block(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob", follows=ana, shared_inbox=False)
    actor = await find_actor(services, "@bob@remote.example", fetch=False)
    first = await restrictions.block(services, ana, actor)
    assert (await restrictions.block(services, ana, actor)).id == first.id
    assert await rows(services, Follower) == []
    await run_due_work(services)
    assert [d["type"] for d in network.deliveries_to(bob.inbox)] == ["Block"]
    page = Page.from_params(Params())
    assert [a.uri for _, a in await restrictions.restricted(services, ana, Restriction.BLOCK, page)] == [bob.uri]
    assert await restrictions.unblock(services, ana, actor) is True
    assert await restrictions.unblock(services, ana, actor) is False
    await run_due_work(services)
    assert [d["type"] for d in network.deliveries_to(bob.inbox)] == ["Block", "Undo"]


async def test_local_block_and_mute_send_nothing(services, network, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    ana_actor, bea_actor = (await find_actor(services, "ana", fetch=False),
                            await find_actor(services, "bea", fetch=False))
    await follows.follow(services, ana, bea_actor)
    await follows.follow(services, bea, ana_actor)
    await restrictions.mute(services, ana, bea_actor)
    await restrictions.mute(services, ana, bea_actor)
    assert len(await rows(services, ActorRestriction)) == 1
    assert len(await rows(services, Following)) == 2  # a mute leaves follows alone
    await restrictions.block(services, ana, bea_actor)
    assert await rows(services, Following) == [] and await rows(services, Follower) == []
    assert await restrictions.unmute(services, ana, bea_actor) is True
    await run_due_work(services)
    assert network.received == []
    with pytest.raises(ActionError, match="yourself"):
        await restrictions.block(services, ana, ana_actor)
    with pytest.raises(ActionError, match="yourself"):
        await restrictions.mute(services, ana, ana_actor)
