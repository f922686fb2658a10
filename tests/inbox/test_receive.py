"""The inbox pipeline as a remote server meets it: signatures, origins, limits, policy, storage."""

import httpx
import orjson
from activities import rows
from fakes import AS, post_activity
from sqlmodel import select

from fediart.activitypub.signatures import sign_request
from fediart.inbox.receive import NO_ACTOR
from fediart.store.policy_tables import DomainBlock
from fediart.store.tables import InboxItem, Actor, Tombstone


def like(actor, obj="https://art.example/users/ana/statuses/1"):
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": actor.new_id(), "type": "Like",
            "actor": actor.uri, "object": obj}


async def stored(services):
    async with services.sessions() as session:
        return list((await session.exec(select(InboxItem))).all())


async def test_signed_activity_is_stored_and_accepted(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    activity = like(bob)
    for path in ("/inbox", "/users/ana/inbox"):
        response = await post_activity(client, bob, activity, path)
        assert response.status_code == 202
    [item] = await stored(services)  # the second delivery of the same id is a no-op
    assert item.activity_uri == activity["id"] and item.actor_uri == bob.uri and item.state == "pending"
    assert orjson.loads(item.body) == activity


async def test_bad_or_missing_signatures_are_401_and_nothing_is_stored(client, network, services):
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    activity = like(bob)
    body = orjson.dumps(activity)
    unsigned = await client.post("/inbox", content=body, headers={"Content-Type": "application/activity+json"})
    assert unsigned.status_code == 401 and "signature" in unsigned.json()["error"]
    headers = bob.signed_headers("https://art.example/inbox", body)
    tampered = await client.post("/inbox", content=body.replace(b"Like", b"Like "), headers=headers)
    assert tampered.status_code == 401 and "digest" in tampered.json()["error"]
    # eve signs an activity claiming to be bob's: the key owner must be the actor
    spoofed = await post_activity(client, eve, activity)
    assert spoofed.status_code == 401 and "but the activity's actor is" in spoofed.json()["error"]
    assert await stored(services) == []


async def test_malformed_oversized_and_unknown_inputs_get_clear_errors(client, network, services, make_artist):
    bob = network.add_actor("bob")
    bad_json = await client.post("/inbox", content=b"{not json", headers={"Content-Type": "application/activity+json"})
    assert bad_json.status_code == 400 and bad_json.json()["error"] == "body is not valid JSON"
    big = b'{"type": "Note", "content": "' + b"x" * 1_100_000 + b'"}'
    assert (await client.post("/inbox", content=big)).status_code == 413
    no_actor = {"id": "https://remote.example/x", "type": "Like", "object": "x"}
    assert (await post_activity(client, bob, no_actor)).status_code == 400
    assert (await post_activity(client, bob, like(bob), "/users/nobody/inbox")).status_code == 404
    unknown = {"id": bob.new_id(), "type": "Wobble", "actor": bob.uri}
    assert (await post_activity(client, bob, unknown)).status_code == 202  # accepted, ignored by the worker


async def test_blocked_domain_is_answered_202_but_dropped_without_fetching(client, network, services):
    spam = network.add_actor("spammer", host="spam.example")
    async with services.sessions() as session:
        session.add(DomainBlock(domain="spam.example"))
        await session.commit()
    response = await post_activity(client, spam, like(spam))
    assert response.status_code == 202
    assert await stored(services) == []
    assert not [g for g in network.gets if g.url.host == "spam.example"]  # the key was never fetched


async def test_unreachable_key_is_401(client, network, services):
    bob = network.add_actor("bob")
    del network.actors[bob.uri]  # its server no longer serves the actor
    response = await post_activity(client, bob, like(bob))
    assert response.status_code == 401 and "could not fetch the signing key" in response.json()["error"]


async def test_a_rotated_key_is_fetched_again_and_the_new_signature_accepted(client, network, services):
    bob = network.add_actor("bob")
    assert (await post_activity(client, bob, like(bob))).status_code == 202
    network.rotate_key(bob)  # same key id, new key pair
    response = await post_activity(client, bob, like(bob))
    assert response.status_code == 202, response.text
    assert len(await stored(services)) == 2


async def test_a_gotosocial_key_rotation_goes_through_the_stub_again(client, network, services):
    gts = network.add_actor("gts", host="gts.example", key_path="/main-key")
    assert (await post_activity(client, gts, like(gts))).status_code == 202
    network.rotate_key(gts)
    assert (await post_activity(client, gts, like(gts))).status_code == 202
    assert [str(g.url) for g in network.gets] == [gts.key_id, gts.uri] * 2


async def test_a_key_that_does_not_load_is_401_and_a_fixed_key_is_used_next_time(client, network, services):
    bob = network.add_actor("bob")
    good_pem = bob.public_pem
    bob.public_pem = "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n"
    broken = await post_activity(client, bob, like(bob))
    assert broken.status_code == 401 and broken.json()["error"] == "signing key: actor's public key does not load"
    bob.public_pem = good_pem  # the remote server fixes its document
    assert (await post_activity(client, bob, like(bob))).status_code == 202
    assert len(await stored(services)) == 1


async def test_missing_keys_are_fetched_a_bounded_number_of_times_per_host(client, network, services):
    from fediart.activitypub.key_backoff import FAILURES_PER_WINDOW

    eve = network.add_actor("eve", host="evil.example")
    answers = []
    for i in range(3 * FAILURES_PER_WINDOW):
        # eve names keys on a server that has none of them, hoping fediart fetches each one
        forged = network.add_actor(f"u{i // 2}", host="victim.example")
        del network.actors[forged.uri]
        forged.private_pem = eve.private_pem
        answers.append(await post_activity(client, forged, like(forged)))
    assert {a.status_code for a in answers} == {401}
    victim_gets = [g for g in network.gets if g.url.host == "victim.example"]
    assert len(victim_gets) == FAILURES_PER_WINDOW  # then the host is left alone for a while
    assert answers[1].json()["error"] == "signing key: that key was not found a short while ago"
    assert answers[-1].json()["error"] == "signing key: too many failed key fetches for that server; try later"


async def test_refusals_do_not_echo_fetched_documents(client, network, services):
    bob = network.add_actor("bob", key_path="/key")
    marker = "SPAM-" + "z" * 3000
    network.responses[bob.key_id] = lambda request: _ap({"id": marker, "type": marker, "owner": marker})
    response = await post_activity(client, bob, like(bob))
    assert response.status_code == 401 and "SPAM" not in response.text and len(response.text) < 300


async def test_a_forged_self_delete_does_not_mark_the_actor_gone(client, network, services, make_artist):
    bob = network.add_actor("bob")
    assert (await post_activity(client, bob, like(bob))).status_code == 202  # fediart knows bob
    eve = network.add_actor("eve", host="evil.example")
    delete = {"@context": AS, "id": bob.uri + "#delete", "type": "Delete", "actor": bob.uri, "object": bob.uri}
    for key_host in ("nowhere.example", "remote.example"):
        # signed by eve, naming a key that answers 404, on another server or on bob's own
        forger = network.add_actor("ghost", host=key_host)
        del network.actors[forger.uri]
        forger.private_pem = eve.private_pem
        response = await post_activity(client, forger, delete | {"id": f"{bob.uri}#delete-{key_host}"})
        assert response.status_code == 401
    [actor] = await rows(services, Actor)
    assert not actor.gone and await rows(services, Tombstone) == []


async def test_a_self_delete_whose_key_is_gone_is_honoured_once_the_actor_is_gone(client, network, services):
    bob = network.add_actor("bob")
    assert (await post_activity(client, bob, like(bob))).status_code == 202
    # the account is deleted on its server: the actor and its keys answer 410, as Mastodon's do
    network.responses[bob.uri] = lambda request: httpx.Response(410)
    delete = {"@context": AS, "id": bob.uri + "#delete", "type": "Delete", "actor": bob.uri, "object": bob.uri}
    body = orjson.dumps(delete)
    headers = {"Content-Type": "application/activity+json"}
    # signed with a key fediart has not stored, so it must be fetched, and cannot be
    headers.update(sign_request("POST", "https://art.example/inbox", headers, body, bob.uri + "#key-2",
                                bob.private_key))
    response = await client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 202
    [actor] = await rows(services, Actor)
    assert actor.gone
    assert [str(g.url) for g in network.gets][-1] == bob.uri  # fediart asked bob's own server


async def test_an_activity_id_squatted_by_another_server_does_not_block_the_real_one(client, network, services,
                                                                                     make_artist):
    await make_artist("ana")
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    real = like(bob)
    squat = real | {"actor": eve.uri, "object": "https://art.example/users/ana/statuses/999"}
    assert (await post_activity(client, eve, squat)).status_code == 202
    response = await post_activity(client, bob, real)
    assert response.status_code == 202 and response.text == ""  # not "already received"
    items = {i.actor_uri: i for i in await stored(services)}
    assert items[bob.uri].activity_uri == real["id"]
    assert items[eve.uri].activity_uri.startswith("urn:sha256:")


async def test_a_request_signed_for_another_host_is_401(client, network, services):
    bob = network.add_actor("bob")
    body = orjson.dumps(like(bob))
    headers = bob.signed_headers("https://other.example/inbox", body)  # covers Host: other.example
    response = await client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 401 and response.json()["error"] == "request is addressed to another server"
    assert await stored(services) == [] and network.gets == []


async def test_odd_activity_types_are_400(client, network, services):
    bob = network.add_actor("bob")
    for kind in ([], [7], {"a": 1}, "", None, ["Like\u0000"]):
        response = await post_activity(client, bob, like(bob) | {"type": kind})
        assert response.status_code == 400, kind
    assert (await post_activity(client, bob, like(bob) | {"type": ["Like", "Extra"]})).status_code == 202
    [item] = await stored(services)
    assert item.activity_type == "Like"


def _ap(doc):
    return httpx.Response(200, content=orjson.dumps(doc), headers={"content-type": "application/activity+json"})


async def test_a_signature_that_does_not_cover_host_is_401(client, network, services):
    from peer_shapes import cavage_headers

    bob = network.add_actor("bob")
    body = orjson.dumps(like(bob))
    headers = cavage_headers("https://art.example/inbox", body, bob.key_id, bob.private_key,
                             "(request-target) date digest", "rsa-sha256")
    response = await client.post("/inbox", content=body, headers=headers)
    assert response.status_code == 401 and response.json()["error"] == "signature: signature must cover host"
    assert await stored(services) == []


async def test_an_unknown_actor_deleting_itself_is_202_without_any_fetch(client, network, services):
    gone = network.add_actor("gone")
    del network.actors[gone.uri]  # deleted on its server: its key answers 404 as well
    delete = {"@context": AS, "id": gone.uri + "#delete", "type": "Delete", "actor": gone.uri, "object": gone.uri}
    response = await post_activity(client, gone, delete)
    assert response.status_code == 202
    assert network.gets == [] and await stored(services) == [] and await rows(services, Tombstone) == []


async def test_an_actor_that_is_no_usable_url_is_400_on_both_databases(client, network, services):
    bob = network.add_actor("bob")
    for actor in ("https://remote.example/users/b\u0000ob", "https://remote.example/" + "a" * 2100, "bob"):
        delete = {"@context": AS, "id": bob.new_id(), "type": "Delete", "actor": actor, "object": actor}
        response = await post_activity(client, bob, delete)
        assert response.status_code == 400 and response.json()["error"] == NO_ACTOR
    assert network.gets == []


async def test_a_broken_key_stored_earlier_is_replaced_not_a_500(client, network, services):
    bob = network.add_actor("bob")
    async with services.sessions() as session:
        session.add(Actor(uri=bob.uri, domain=bob.host, inbox=bob.inbox, key_id=bob.key_id,
                                public_key_pem="-----BEGIN PUBLIC KEY-----\nbm9wZQ==\n-----END PUBLIC KEY-----\n"))
        await session.commit()
    response = await post_activity(client, bob, like(bob))
    assert response.status_code == 202, response.text
    [actor] = await rows(services, Actor)
    assert actor.public_key_pem == bob.public_pem
