"""First contact as each peer makes it: a Follow, a Like or a reply from an actor fediart has never
seen, signed and published in that server's own shapes, is accepted (202) and the artist sees it."""

import orjson
import pytest
from activities import actor_url, add_post, assert_processed, post_url, received_of, rows
from peer_shapes import SHAPES, SIGNING, cavage_headers, follow, like, reply

from fediart.store.tables import Follower, Interaction, Notification, Actor, RemotePost
from fediart.worker import run_due_work


@pytest.mark.parametrize("server", sorted(SHAPES))
async def test_a_first_follow_from_each_peer_is_accepted(server, client, network, services, make_artist):
    ana = await make_artist("ana")
    options = {"key_path": "/main-key"} if server == "gotosocial" else {}
    peer = network.add_actor("9abcdefghi" if server == "misskey" else "pat", host=f"{server}.example",
                             shape=SHAPES[server], **options)
    body = orjson.dumps(follow(server, peer, actor_url("ana")))
    covered, algorithm = SIGNING[server]
    headers = cavage_headers("https://art.example/users/ana/inbox", body, peer.key_id, peer.private_key,
                             covered, algorithm)
    response = await client.post("/users/ana/inbox", content=body, headers=headers)
    assert response.status_code == 202, response.text

    await run_due_work(services)
    await assert_processed(services)
    [remote] = await rows(services, Actor)
    assert (remote.uri, remote.key_id, remote.inbox) == (peer.uri, peer.key_id, peer.uri + "/inbox")
    [follower] = await rows(services, Follower)
    assert (follower.account_id, follower.actor_id, follower.state) == (ana.id, remote.id, "accepted")
    assert received_of(network, peer.uri + "/inbox", "Accept")


async def _first_post(server, client, network, activity_for):
    """Sign and POST, as `server` would, an activity from a peer fediart has never met."""
    options = {"key_path": "/main-key"} if server == "gotosocial" else {}
    peer = network.add_actor("9abcdefghi" if server == "misskey" else "pat", host=f"{server}.example",
                             shape=SHAPES[server], **options)
    body = orjson.dumps(activity_for(peer))
    covered, algorithm = SIGNING[server]
    headers = cavage_headers("https://art.example/inbox", body, peer.key_id, peer.private_key, covered, algorithm)
    response = await client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 202, response.text
    return peer


@pytest.mark.parametrize("server", sorted(SHAPES))
async def test_a_first_like_from_each_peer_reaches_the_artist(server, client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    peer = await _first_post(server, client, network, lambda p: like(server, p, post_url(post)))
    await run_due_work(services)
    await assert_processed(services)
    [remote] = await rows(services, Actor)
    assert remote.uri == peer.uri
    [liked] = await rows(services, Interaction)
    assert (liked.kind, liked.post_id, liked.actor_id) == ("like", post.id, remote.id)
    [seen] = await rows(services, Notification)
    assert (seen.kind, seen.account_id, seen.post_id) == ("like", ana.id, post.id)


@pytest.mark.parametrize("server", sorted(SHAPES))
async def test_a_first_reply_from_each_peer_reaches_the_artist(server, client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    peer = await _first_post(server, client, network,
                             lambda p: reply(server, p, post_url(post), actor_url("ana")))
    await run_due_work(services)
    await assert_processed(services)
    [kept] = await rows(services, RemotePost)
    assert kept.in_reply_to == post_url(post) and "lovely colours" in kept.content
    [seen] = await rows(services, Notification)
    assert (seen.kind, seen.account_id, seen.post_id, seen.remote_post_id) == ("reply", ana.id, post.id, kept.id)
    assert (await rows(services, Actor))[0].uri == peer.uri
