"""inbox/removal.py through the protocol: authors delete their notes and themselves; nobody else can."""

import orjson
from activities import actor_url, activity, add_post, note, post_url, rows, send
from fakes import post_activity

from fediart.store.tables import Follower, InboxItem, Interaction, Actor, RemotePost, Tombstone


async def _reply(client, services, bob, post):
    reply = note(bob, "<p>nice</p>", inReplyTo=post_url(post))
    await send(client, services, bob, activity(bob, "Create", reply))
    return reply


async def test_the_author_deletes_a_note_which_is_erased_and_tombstoned(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    reply = await _reply(client, services, bob, post)
    # Mastodon's shape: Delete{Tombstone} addressed to the public.
    await send(client, services, bob, activity(bob, "Delete", {"id": reply["id"], "type": "Tombstone",
                                                               "atomUri": reply["id"]},
                                               to=["https://www.w3.org/ns/activitystreams#Public"]))
    [kept] = await rows(services, RemotePost)
    assert kept.deleted_at is not None and kept.content == ""
    assert [t.uri for t in await rows(services, Tombstone)] == [reply["id"]]
    # Deleted means deleted: a replayed Create does not bring it back.
    await send(client, services, bob, activity(bob, "Create", reply))
    assert len(await rows(services, RemotePost)) == 1


async def test_a_delete_signed_by_someone_else_is_refused_at_the_door(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    reply = await _reply(client, services, bob, post)
    spoofed = activity(bob, "Delete", reply["id"])  # claims to be bob, signed with eve's key
    response = await post_activity(client, eve, spoofed)
    assert response.status_code == 401 and "but the activity's actor is" in response.json()["error"]
    assert await rows(services, InboxItem, InboxItem.activity_uri == spoofed["id"]) == []
    [kept] = await rows(services, RemotePost)
    assert kept.deleted_at is None


async def test_deletes_of_another_actors_note_are_ignored(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    eve = network.add_actor("eve", host="evil.example")
    mallory = network.add_actor("mallory")  # on bob's own server, still not bob
    reply = await _reply(client, services, bob, post)
    await send(client, services, eve, activity(eve, "Delete", reply["id"]))  # cross-origin
    await send(client, services, mallory, activity(mallory, "Delete", {"id": reply["id"], "type": "Tombstone"}))
    [kept] = await rows(services, RemotePost)
    assert kept.deleted_at is None and kept.content == "<p>nice</p>"
    assert await rows(services, Tombstone) == []


async def test_deleting_one_of_our_posts_from_outside_does_nothing(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    eve = network.add_actor("eve", host="evil.example")
    await send(client, services, eve, activity(eve, "Delete", post_url(post)))
    assert await rows(services, Tombstone) == []


async def test_an_actor_deleting_itself_is_gone_with_its_follows_and_interactions(client, network, services,
                                                                                 make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    carol = network.add_actor("carol")
    for who in (bob, carol):
        await send(client, services, who, activity(who, "Follow", actor_url("ana")))
        await send(client, services, who, activity(who, "Like", post_url(post)))
    await _reply(client, services, bob, post)

    public = ["https://www.w3.org/ns/activitystreams#Public"]
    await send(client, services, bob, activity(bob, "Delete", bob.uri, to=public))
    gone = {a.uri: a.gone for a in await rows(services, Actor)}
    assert gone == {bob.uri: True, carol.uri: False}
    actor_ids = {a.uri: a.id for a in await rows(services, Actor)}
    assert [f.actor_id for f in await rows(services, Follower)] == [actor_ids[carol.uri]]
    assert [i.actor_id for i in await rows(services, Interaction)] == [actor_ids[carol.uri]]
    [reply] = await rows(services, RemotePost)
    assert reply.deleted_at is not None and reply.content == ""
    assert bob.uri in [t.uri for t in await rows(services, Tombstone)]


async def test_a_delete_of_someone_else_as_an_actor_is_ignored(client, network, services, make_artist):
    await make_artist("ana")
    bob, mallory = network.add_actor("bob"), network.add_actor("mallory")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    await send(client, services, mallory, activity(mallory, "Delete", {"id": bob.uri, "type": "Person"}))
    assert all(not a.gone for a in await rows(services, Actor))
    assert len(await rows(services, Follower)) == 1
    assert orjson.loads((await rows(services, InboxItem))[-1].body)["type"] == "Delete"
