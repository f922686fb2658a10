"""First contact as each peer makes it: a Follow from an actor fediart has never seen, signed and
published in that server's own shapes, is accepted (202) and the artist has a new follower."""

import orjson
import pytest
from activities import actor_url, assert_processed, received_of, rows
from peer_shapes import SHAPES, SIGNING, cavage_headers, follow

from fediart.store.tables import Follower, RemoteActor
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
    [remote] = await rows(services, RemoteActor)
    assert (remote.uri, remote.key_id, remote.inbox) == (peer.uri, peer.key_id, peer.uri + "/inbox")
    [follower] = await rows(services, Follower)
    assert (follower.account_id, follower.actor_id, follower.state) == (ana.id, remote.id, "accepted")
    assert received_of(network, peer.uri + "/inbox", "Accept")
