"""The inbox pipeline as a remote server meets it: signatures, origins, limits, policy, storage."""

import orjson
from fakes import post_activity
from sqlmodel import select

from fediart.store.tables import DomainBlock, InboxItem


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
