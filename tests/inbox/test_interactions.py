"""inbox/interactions.py through the protocol: likes and boosts of our posts, and what is not ours."""

from activities import actor_url, activity, add_post, assert_processed, post_url, rows, send
from fakes import post_activity

from fediart.store.tables import Follower, Interaction, Notification, Actor, utcnow
from fediart.worker import run_due_work


async def test_like_and_boost_of_our_post_are_recorded_and_notified(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    like = activity(bob, "Like", post_url(post))
    boost = activity(bob, "Announce", post_url(post), to=["https://www.w3.org/ns/activitystreams#Public"])
    await send(client, services, bob, like)
    await send(client, services, bob, boost)

    [bob_row] = await rows(services, Actor)
    recorded = {(i.kind, i.activity_uri, i.post_id, i.actor_id) for i in await rows(services, Interaction)}
    assert recorded == {("like", like["id"], post.id, bob_row.id), ("boost", boost["id"], post.id, bob_row.id)}
    notes = {(n.kind, n.account_id, n.post_id) for n in await rows(services, Notification)}
    assert notes == {("like", ana.id, post.id), ("boost", ana.id, post.id)}


async def test_boost_with_an_embedded_copy_uses_only_its_id(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    forged = {"id": post_url(post), "type": "Note", "content": "<p>words ana never wrote</p>"}
    await send(client, services, bob, activity(bob, "Announce", forged))
    [boost] = await rows(services, Interaction)
    assert boost.post_id == post.id
    assert (await rows(services, Notification))[0].kind == "boost"


async def test_interactions_with_what_is_not_a_live_post_of_ours_are_ignored(client, network, services,
                                                                            make_artist):
    ana = await make_artist("ana")
    await make_artist("zoe")
    deleted = await add_post(services, ana, deleted_at=utcnow())
    live = await add_post(services, ana)
    bob = network.add_actor("bob")
    for target in (post_url(deleted),  # a post of ours that was deleted
                   f"{actor_url('ana')}/statuses/9999",  # never existed
                   post_url(live, "zoe"),  # a real post id under the wrong author
                   "https://remote.example/users/carol/statuses/1",  # someone else's
                   actor_url("ana")):  # not a post
        await send(client, services, bob, activity(bob, "Like", target))
        await send(client, services, bob, activity(bob, "Announce", target))
    assert await rows(services, Interaction) == []
    assert await rows(services, Notification) == []


async def test_a_second_like_of_the_same_post_counts_once(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Like", post_url(post)))
    await send(client, services, bob, activity(bob, "Like", post_url(post)))
    assert len(await rows(services, Interaction)) == 1
    assert len(await rows(services, Notification)) == 1


async def test_followers_only_posts_are_liked_by_followers_and_boosted_by_nobody(client, network, services,
                                                                                make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana, visibility="followers")
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    [follower] = await rows(services, Follower)
    assert follower.state == "accepted"

    await send(client, services, eve, activity(eve, "Like", post_url(post)))
    await send(client, services, bob, activity(bob, "Announce", post_url(post)))
    assert await rows(services, Interaction) == []
    await send(client, services, bob, activity(bob, "Like", post_url(post)))
    [like] = await rows(services, Interaction)
    assert like.kind == "like"


async def test_two_likes_processed_at_once_count_once(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    await services.remote_actors.by_uri(bob.uri)
    for _ in range(2):
        assert (await post_activity(client, bob, activity(bob, "Like", post_url(post)))).status_code == 202
    await run_due_work(services)
    await assert_processed(services)
    assert len(await rows(services, Interaction)) == 1
