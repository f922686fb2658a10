"""Processing stored items: a malformed activity fails at once with its reason, the worker goes on,
and nothing already stored is lost.
"""

import asyncio
import json

from fakes import post_activity
from inbox.activities import activity, actor_url, add_post, mention, note, post_url, rows, send

from fediart.store.tables import Follower, InboxItem, Interaction, RemotePost
from fediart.worker import Worker


def nest(depth: int, leaf):
    for _ in range(depth):
        leaf = [leaf]
    return leaf


async def post_raw(client, actor, body: bytes):
    """POST a body serialised by hand (orjson refuses nesting deeper than 255; remote servers need not)."""
    return await client.post("/inbox", content=body, headers=actor.signed_headers("https://art.example/inbox", body))


async def run_worker_until_idle(services) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(Worker(services).run(stop))
    try:
        for _ in range(200):
            states = {i.state for i in await rows(services, InboxItem)}
            if states <= {"done", "failed"} and all(i.claimed_until is None for i in await rows(services, InboxItem)):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"items left unprocessed: {states}")
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_malformed_items_fail_with_a_reason_and_the_worker_goes_on(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob, carol, dave = network.add_actor("bob"), network.add_actor("carol"), network.add_actor("dave")
    await send(client, services, bob, activity(bob, "Follow", actor_url("ana")))
    await send(client, services, bob, activity(bob, "Create", note(bob, inReplyTo=post_url(post))))
    [bob_follower] = await rows(services, Follower)

    # carol's Follow carries an attachment nested 300 deep: it is stored, but its Accept cannot be built.
    deep_follow = activity(carol, "Follow", actor_url("ana"), attachment=nest(300, {"type": "Image"}))
    assert (await post_raw(client, carol, json.dumps(deep_follow).encode())).status_code == 202
    # dave's note has lists where strings belong and a date before the first UTC instant.
    odd_note = note(dave, tag=[mention("ana"), nest(50, "#tag")], url=nest(40, "https://remote.example/n"),
                    published="0001-01-01T00:00:00+05:00", icon={"url": nest(30, {"href": ["x"]})})
    assert (await post_activity(client, dave, activity(dave, "Create", odd_note))).status_code == 202
    like = activity(dave, "Like", post_url(post))
    assert (await post_activity(client, dave, like)).status_code == 202

    await run_worker_until_idle(services)
    by_uri = {i.activity_uri: i for i in await rows(services, InboxItem)}
    failed = by_uri[deep_follow["id"]]
    assert (failed.state, failed.attempts) == ("failed", 1)  # not retried: it would fail the same way
    assert failed.last_error == "TypeError: Recursion limit reached"
    assert all(i.state == "done" for uri, i in by_uri.items() if uri != deep_follow["id"])
    # What was stored before stays; what carol's failed Follow began was rolled back.
    assert [f.actor_id for f in await rows(services, Follower)] == [bob_follower.actor_id]
    kept = {p.uri for p in await rows(services, RemotePost)}
    assert odd_note["id"] in kept and len(kept) == 2
    assert [i.kind for i in await rows(services, Interaction)] == ["like"]
