"""What each artist is sent, and on which stream, when statuses and notifications are committed: home
updates from local and remote follows (through the real inbox and worker), notifications for their owner
only, edits, deletes, and nothing the artist may not see."""

from __future__ import annotations

import orjson
from fakes import AS, post_activity
from stream_client import next_message, settle

from fediart.actions.follows import follow
from fediart.actions.interactions import interact, take_back
from fediart.actions.posts import create_status, delete_status, edit_status
from fediart.store.actors import local_actor
from fediart.store.states import InteractionKind
from fediart.store.tables import Following
from fediart.worker import run_due_work

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


async def _actor(services, account):
    async with services.sessions() as session:
        actor = await local_actor(session, services.urls, account)
        await session.commit()
    return actor


async def _follows(services, follower, followed) -> None:
    await follow(services, follower, await _actor(services, followed))


async def test_a_followed_local_artists_post_arrives_on_user(open_stream, make_artist, services):
    ana, cara = await make_artist("ana"), await make_artist("cara")
    await _follows(services, cara, ana)
    ws = await open_stream(cara, "?stream=user")
    post = await create_status(services, ana, text="A heron in ink.")
    message = await next_message(ws)
    assert message["stream"] == ["user"] and message["event"] == "update"
    status = message["payload"]
    assert status["id"] == str(post.id) and status["account"]["username"] == "ana"
    assert "heron" in status["content"] and status["favourited"] is False  # rendered for cara, signed in
    assert status["licence"]["ai_training"] == "reserved"


async def test_a_notification_arrives_for_its_owner_only(open_stream, make_artist, services):
    ana, bob = await make_artist("ana"), await make_artist("bob")
    ana_ws = await open_stream(ana, "?stream=user:notification")
    bob_ws = await open_stream(bob, "?stream=user:notification")
    post = await create_status(services, ana, text="Like me.")
    await interact(services, bob, InteractionKind.LIKE, post.id)
    message = await next_message(ana_ws)  # not the post itself: this stream carries notifications only
    assert message["stream"] == ["user:notification"] and message["event"] == "notification"
    notice = message["payload"]
    assert notice["type"] == "favourite" and notice["account"]["username"] == "bob"
    assert notice["status"]["id"] == str(post.id)
    # bob was told nothing of ana's notification: his first message is his own, a follow from ana.
    await _follows(services, ana, bob)
    message = await next_message(bob_ws)
    assert (message["payload"]["type"], message["payload"]["account"]["username"]) == ("follow", "ana")


async def test_the_user_stream_carries_notifications_and_a_reply_notifies(open_stream, make_artist, services):
    ana, bob = await make_artist("ana"), await make_artist("bob")
    ws = await open_stream(ana, "?stream=user")
    post = await create_status(services, ana, text="Open for comments.")
    assert (await next_message(ws))["payload"]["id"] == str(post.id)  # her own post, in her home
    reply = await create_status(services, bob, text="@ana lovely", in_reply_to_id=str(post.id))
    message = await next_message(ws)
    assert (message["stream"], message["event"]) == (["user"], "notification")
    assert message["payload"]["type"] == "mention" and message["payload"]["status"]["id"] == str(reply.id)


async def test_edits_and_deletes_arrive(open_stream, make_artist, services):
    ana, cara = await make_artist("ana"), await make_artist("cara")
    await _follows(services, cara, ana)
    ws = await open_stream(cara, "?stream=user")
    post = await create_status(services, ana, text="Draft.")
    assert (await next_message(ws))["event"] == "update"
    await edit_status(services, ana, post.id, text="Final.")
    message = await next_message(ws)
    assert message["event"] == "status.update" and "Final." in message["payload"]["content"]
    assert message["payload"]["edited_at"] is not None
    await delete_status(services, ana, post.id)
    assert await next_message(ws) == {"stream": ["user"], "event": "delete", "payload": str(post.id)}


async def test_followers_only_posts_reach_followers_only(open_stream, make_artist, services):
    ana, cara, dan = await make_artist("ana"), await make_artist("cara"), await make_artist("dan")
    await _follows(services, cara, ana)
    follower = await open_stream(cara, "?stream=user")
    stranger = await open_stream(dan, "?stream=user")
    await stranger.send(orjson.dumps({"type": "subscribe", "stream": "public"}).decode())
    await settle(stranger)
    private = await create_status(services, ana, text="For followers.", visibility="followers")
    message = await next_message(follower)
    assert message["payload"]["id"] == str(private.id) and message["payload"]["visibility"] == "private"
    await delete_status(services, ana, private.id)
    assert (await next_message(follower))["payload"] == str(private.id)
    public = await create_status(services, ana, text="For everyone.")
    # dan's first message is the public post, on public only: neither the private post nor its delete came.
    message = await next_message(stranger)
    assert (message["stream"], message["payload"]["id"]) == (["public"], str(public.id))
    await settle(stranger)


async def test_a_local_boost_arrives_and_its_undo_deletes_it(open_stream, make_artist, services):
    ana, bob, cara = await make_artist("ana"), await make_artist("bob"), await make_artist("cara")
    await _follows(services, cara, bob)
    ws = await open_stream(cara, "?stream=user")
    post = await create_status(services, ana, text="Worth sharing.")
    _, boost, _ = await interact(services, bob, InteractionKind.BOOST, post.id)
    message = await next_message(ws)  # ana's post itself is not in cara's home; bob's boost is
    assert message["payload"]["id"] == str(boost.id) and message["payload"]["reblog"]["id"] == str(post.id)
    await take_back(services, bob, InteractionKind.BOOST, post.id)
    assert await next_message(ws) == {"stream": ["user"], "event": "delete", "payload": str(boost.id)}


async def test_a_followed_remote_actors_post_and_mention_come_through_the_inbox(
        open_stream, make_artist, services, network, client):
    ana = await make_artist("ana")
    remote = network.add_actor("rita")
    actor = await services.remote_actors.by_uri(remote.uri)
    async with services.sessions() as session:
        session.add(Following(account_id=ana.id, actor_id=actor.id, state="accepted",
                              follow_uri="https://art.example/follows/ana-rita"))
        await session.commit()
    ws = await open_stream(ana, "?stream=user")

    async def deliver(note: dict) -> None:
        activity = {"@context": AS, "id": remote.new_id(), "type": "Create", "actor": remote.uri, "object": note}
        assert (await post_activity(client, remote, activity)).status_code == 202
        await run_due_work(services)

    note = {"id": remote.new_id("statuses"), "type": "Note", "attributedTo": remote.uri, "to": [PUBLIC],
            "cc": [remote.uri + "/followers"], "content": "<p>from afar</p>", "published": "2026-03-01T12:00:00Z"}
    await deliver(note)
    message = await next_message(ws)
    assert message["event"] == "update" and message["payload"]["uri"] == note["id"]
    assert message["payload"]["account"]["acct"] == "rita@remote.example"
    mention = {**note, "id": remote.new_id("statuses"), "content": "<p>@ana hi</p>",
               "tag": [{"type": "Mention", "href": "https://art.example/users/ana"}]}
    await deliver(mention)
    kinds = {(m["event"], m["payload"]["type"] if m["event"] == "notification" else m["payload"]["uri"])
             for m in [await next_message(ws), await next_message(ws)]}
    assert kinds == {("notification", "mention"), ("update", mention["id"])}
