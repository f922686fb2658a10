"""Follows between two artists of this instance: both rows written at once, nothing delivered."""

import pytest
from inbox.activities import rows
from posting import add_remote

from fediart.actions import follows
from fediart.actions.accounts import find_actor
from fediart.actions.errors import ActionError
from fediart.actions.follows import FollowOutcome
from fediart.store.pages import Page
from fediart.api.params import Params
from fediart.store.tables import Follower, Following, Notification, RemoteBlock
from fediart.worker import run_due_work


async def test_local_follow_accepted_at_once_and_unfollowed(services, network, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    bea_actor = await find_actor(services, "bea", fetch=False)
    following, outcome = await follows.follow(services, ana, bea_actor)
    assert outcome == FollowOutcome.FOLLOWING and following.state == "accepted"
    [follower] = await rows(services, Follower)
    assert (follower.account_id, follower.state, follower.follow_uri) == (bea.id, "accepted", following.follow_uri)
    [note] = await rows(services, Notification)
    assert (note.account_id, note.kind, note.actor_id) == (bea.id, "follow", follower.actor_id)
    assert (await follows.follow(services, ana, bea_actor))[1] == FollowOutcome.ALREADY
    page = Page.from_params(Params())
    assert [a.username for _, a in await follows.followers(services, bea, page)] == ["ana"]
    assert [a.username for _, a in await follows.following(services, ana, page)] == ["bea"]
    await run_due_work(services)
    assert network.received == []
    assert await follows.unfollow(services, ana, bea_actor) is True
    assert await rows(services, Following) == [] and await rows(services, Follower) == []
    assert await follows.unfollow(services, ana, bea_actor) is False
    with pytest.raises(ActionError, match="your own account"):
        await follows.follow(services, ana, await find_actor(services, "ana", fetch=False))


async def test_locked_artist_approves_and_the_follower_sees_it(services, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea", manually_approves_followers=True)
    ana_actor, bea_actor = (await find_actor(services, "ana", fetch=False),
                            await find_actor(services, "bea", fetch=False))
    _, outcome = await follows.follow(services, ana, bea_actor)
    assert outcome == FollowOutcome.SENT
    assert [r.state for r in await rows(services, Following)] == ["pending"]
    assert [r.state for r in await rows(services, Follower)] == ["pending"]
    assert [n.kind for n in await rows(services, Notification)] == ["follow_request"]
    assert [a.username for _, a in await follows.follow_requests(services, bea, Page.from_params(Params()))] == ["ana"]
    _, changed = await follows.approve(services, bea, ana_actor)
    assert changed is True
    assert [r.state for r in await rows(services, Following)] == ["accepted"]
    assert [r.state for r in await rows(services, Follower)] == ["accepted"]
    assert (await follows.approve(services, bea, ana_actor))[1] is False
    # Removing an accepted local follower ends the follower's follow too.
    await follows.reject(services, bea, ana_actor)
    assert [r.state for r in await rows(services, Following)] == ["rejected"]
    assert await rows(services, Follower) == []


async def test_no_follow_across_a_block_either_way(services, network, make_artist):
    ana = await make_artist("ana")
    bob = await add_remote(services, network, "bob")
    actor = await find_actor(services, "@bob@remote.example", fetch=False)
    async with services.sessions() as session:  # bob's server told us bob blocked ana
        session.add(RemoteBlock(account_id=ana.id, actor_id=actor.id, activity_uri=bob.new_id("blocks")))
        await session.commit()
    with pytest.raises(ActionError, match="not allowed") as caught:
        await follows.follow(services, ana, actor)
    assert caught.value.status == 403
    assert await rows(services, Following) == []
    await run_due_work(services)
    assert network.received == []
