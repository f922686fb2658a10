"""inbox/undo.py through the protocol: follows, likes, boosts and blocks taken back, by their own actor only."""

from activities import actor_url, activity, add_post, post_url, rows, send

from fediart.store.tables import Follower, Interaction, Notification, RemoteBlock


async def test_undo_follow_embedded_or_by_id_removes_the_follower(client, network, services, make_artist):
    await make_artist("ana")
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    bob_follow = activity(bob, "Follow", actor_url("ana"))
    carol_follow = activity(carol, "Follow", actor_url("ana"))
    await send(client, services, bob, bob_follow)
    await send(client, services, carol, carol_follow)
    assert len(await rows(services, Follower)) == 2

    await send(client, services, bob, activity(bob, "Undo", {k: v for k, v in bob_follow.items() if k != "@context"}))
    await send(client, services, carol, activity(carol, "Undo", carol_follow["id"]))
    assert await rows(services, Follower) == []


async def test_undo_of_a_pending_request_withdraws_its_notification(client, network, services, make_artist):
    await make_artist("ana", manually_approves_followers=True)
    bob = network.add_actor("bob")
    follow = activity(bob, "Follow", actor_url("ana"))
    await send(client, services, bob, follow)
    await send(client, services, bob, activity(bob, "Undo", follow))
    assert await rows(services, Follower) == []
    assert await rows(services, Notification) == []


async def test_undo_follow_with_an_older_follow_id_still_matches(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    first = activity(bob, "Follow", actor_url("ana"))
    await send(client, services, bob, first)
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))  # the row now holds this id
    await send(client, services, bob, activity(bob, "Undo", first))
    assert await rows(services, Follower) == []


async def test_undo_like_and_announce_remove_interaction_and_notification(client, network, services,
                                                                         make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    like = activity(bob, "Like", post_url(post))
    boost = activity(bob, "Announce", post_url(post))
    await send(client, services, bob, like)
    await send(client, services, bob, boost)
    await send(client, services, bob, activity(bob, "Undo", like))
    await send(client, services, bob, activity(bob, "Undo", boost["id"]))
    assert await rows(services, Interaction) == []
    assert await rows(services, Notification) == []


async def test_undo_of_a_like_whose_id_we_never_kept_matches_post_and_actor(client, network, services,
                                                                           make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    await send(client, services, bob, activity(bob, "Like", post_url(post)))
    second = activity(bob, "Like", post_url(post))  # counted once, so its id is not on record
    await send(client, services, bob, second)
    await send(client, services, bob, activity(bob, "Undo", second))
    assert await rows(services, Interaction) == []


async def test_undo_block_removes_the_block(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    block = activity(bob, "Block", actor_url("ana"))
    await send(client, services, bob, block)
    assert len(await rows(services, RemoteBlock)) == 1
    await send(client, services, bob, activity(bob, "Undo", block))
    assert await rows(services, RemoteBlock) == []


async def test_nobody_can_undo_someone_elses_activity(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob, carol = network.add_actor("bob"), network.add_actor("carol", host="other.example")
    eve = network.add_actor("eve", host="evil.example")
    mallory = network.add_actor("mallory")  # bob's server, not bob
    follow = activity(bob, "Follow", actor_url("ana"))
    like = activity(bob, "Like", post_url(post))
    block = activity(carol, "Block", actor_url("ana"))
    await send(client, services, bob, follow)
    await send(client, services, bob, like)
    await send(client, services, carol, block)

    for spoofer in (eve, mallory):
        # An embedded original naming someone else as its actor: refused outright.
        for original in (follow, like, block):
            await send(client, services, spoofer, activity(spoofer, "Undo", original))
        # Just the ids: each row on record belongs to someone else.
        for target in (follow["id"], like["id"], block["id"]):
            await send(client, services, spoofer, activity(spoofer, "Undo", target))
        # Embedded copies with the spoofer written in as actor: the rows' actors still decide.
        for original in (follow, like, block):
            await send(client, services, spoofer, activity(spoofer, "Undo", {**original, "actor": spoofer.uri}))

    assert len(await rows(services, Follower)) == 1
    assert len(await rows(services, Interaction)) == 1
    assert len(await rows(services, RemoteBlock)) == 1
    assert sorted(n.kind for n in await rows(services, Notification)) == ["follow", "like"]
