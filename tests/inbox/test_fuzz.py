"""Property-based fuzzing of the inbox: real activity shapes (Mastodon's), mutated at random, sent
signed, unsigned, with a forged signature or by another actor; then processed by the worker.

Properties: no 5xx ever; nothing stored (inbox rows, followers, notifications, posts, likes) unless
the actor itself signed; the worker never raises, and what was stored before is still there.
Examples share one database per test (hypothesis runs them all inside one test function), and run
derandomized and bounded so the whole file stays well under a minute on a slow machine.
"""

import base64
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from inbox.activities import add_post, post_url, rows, send
from sqlmodel import func, select

from fediart.inbox.dispatch import process_item
from fediart.inbox.receive import actor_id
from fediart.store.tables import (Follower, InboxItem, Interaction, Notification, Post, RemoteBlock, RemotePost,
                                  Tombstone)
from fediart.worker import run_due_work

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = AS + "#Public"
ANA = "https://art.example/users/ana"
FUZZ = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
STORED = (InboxItem, Follower, Notification, RemotePost, Interaction, Post, Tombstone, RemoteBlock)


def nest(depth: int, leaf):
    for _ in range(depth):
        leaf = [leaf]
    return leaf


# Values a careless or hostile server might put anywhere: wrong types, NUL, ids too long to store,
# our own URLs, deep nesting (stdlib json writes up to ~1000 levels; orjson only 255).
leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-2**53, 2**53), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["", "\x00", "https://remote.example/\x00", "https://remote.example/" + "x" * 2100,
                     ANA, ANA + "/statuses/1", "https://remote.example/users/bob", PUBLIC, "Note", "Follow",
                     "0001-01-01T00:00:00+05:00", "2026-02-30T25:00:00Z", "<p>hi<script>x</script>"]),
    st.integers(1, 400).map(lambda depth: nest(depth, "https://remote.example/i.png")),
)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["id", "type", "href", "url", "name", "actor", "object"]),
                                        inner, max_size=3), max_leaves=8)
# The fields the inbox and its handlers read, so that most mutations land where they can do harm.
TOP_KEYS = ["id", "type", "actor", "object", "to", "cc", "target"]
OBJECT_KEYS = ["id", "type", "actor", "object", "content", "summary", "url", "attachment", "tag", "icon", "inReplyTo",
               "attributedTo", "published", "updated", "contentMap"]
empties = st.sampled_from([[], {}, None, "", [""], [[]]])


def shapes(bob: str, post: str, n: int) -> list[dict]:
    """Activities as Mastodon sends them (research/interop.md §3), addressed to ana and her post."""
    note = {"id": f"{bob}/statuses/{n}", "type": "Note", "summary": None, "inReplyTo": post,
            "published": "2026-03-01T12:00:00Z", "url": f"https://remote.example/@bob/{n}", "attributedTo": bob,
            "to": [PUBLIC], "cc": [f"{bob}/followers", ANA], "sensitive": False, "content": "<p>hello</p>",
            "contentMap": {"en": "<p>hello</p>"}, "attachment": [], "tag": [
                {"type": "Mention", "href": ANA, "name": "@ana@art.example"}]}
    like = {"id": f"{bob}#likes/{n}", "type": "Like", "actor": bob, "object": post}
    follow = {"id": f"https://remote.example/{n}", "type": "Follow", "actor": bob, "object": ANA}
    return [
        follow, like,
        {"id": f"{bob}/statuses/{n}/activity", "type": "Announce", "actor": bob, "published": "2026-03-01T12:00:00Z",
         "to": [PUBLIC], "cc": [ANA, f"{bob}/followers"], "object": post},
        {"id": f"{bob}/statuses/{n}/activity", "type": "Create", "actor": bob, "published": "2026-03-01T12:00:00Z",
         "to": note["to"], "cc": note["cc"], "object": note},
        {"id": f"{bob}/statuses/{n}#updates/1", "type": "Update", "actor": bob, "to": note["to"],
         "object": {**note, "updated": "2026-03-02T12:00:00Z", "content": "<p>edited</p>"}},
        {"id": f"{bob}/statuses/{n}#delete", "type": "Delete", "actor": bob, "to": [PUBLIC],
         "object": {"id": note["id"], "type": "Tombstone", "atomUri": note["id"]}},
        {"id": f"{bob}#likes/{n}/undo", "type": "Undo", "actor": bob, "object": like},
        {"id": f"{bob}#follows/{n}/undo", "type": "Undo", "actor": bob, "object": follow},
    ]


@st.composite
def activities(draw, bob: str, post: str) -> dict:
    """A real shape with up to four fields replaced by odd values or removed, at the top or in `object`."""
    activity = draw(st.sampled_from(shapes(bob, post, draw(st.integers(1, 40)))))
    activity = {"@context": AS, **json.loads(json.dumps(activity))}
    for _ in range(draw(st.integers(0, 4))):
        inner = activity.get("object")
        target = inner if isinstance(inner, dict) and draw(st.booleans()) else activity
        key = draw(st.sampled_from(OBJECT_KEYS if target is inner else TOP_KEYS))
        change = draw(st.sampled_from(["remove", "empty", "value", "value"]))
        if change == "remove":
            target.pop(key, None)
        else:
            target[key] = draw(empties if change == "empty" else values)
    return activity


SIGNINGS = ("actor", "actor", "unsigned", "forged", "other actor")  # half signed: only those reach storage


def headers_for(how: str, bob, eve, body: bytes) -> dict[str, str]:
    url = "https://art.example/inbox"
    if how == "actor":
        return bob.signed_headers(url, body)
    if how == "unsigned":
        return {"Content-Type": "application/activity+json"}
    if how == "other actor":
        return eve.signed_headers(url, body)
    headers = bob.signed_headers(url, body)  # bob's keyId and headers, with a signature nobody made
    junk = base64.b64encode(b"\x01" * 256).decode()
    headers["Signature"] = headers["Signature"].rsplit('signature="', 1)[0] + f'signature="{junk}"'
    return headers


async def counts(services) -> dict[str, int]:
    async with services.sessions() as session:
        return {m.__name__: (await session.exec(select(func.count()).select_from(m))).one() for m in STORED}


@pytest.fixture
async def world(client, network, services, make_artist):
    """ana with a post and a follower (carol), whom no fuzzed activity may take away."""
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob, eve = network.add_actor("bob"), network.add_actor("eve", host="evil.example")
    carol = network.add_actor("carol", host="other.example")
    await send(client, services, carol, {"@context": AS, "id": "https://other.example/f/1", "type": "Follow",
                                         "actor": carol.uri, "object": ANA})
    return {"bob": bob, "eve": eve, "post": post_url(post)}


async def assert_world_intact(services) -> None:
    [carol] = await rows(services, Follower, Follower.follow_uri == "https://other.example/f/1")
    assert carol.state == "accepted"
    assert len(await rows(services, Post, Post.deleted_at.is_(None))) == 1


@FUZZ
@given(data=st.data())
async def test_fuzzed_posts_never_5xx_and_store_nothing_unsigned(client, services, world, data):
    bob, eve = world["bob"], world["eve"]
    activity = data.draw(activities(bob.uri, world["post"]), label="activity")
    how = data.draw(st.sampled_from(SIGNINGS), label="signing")
    body = json.dumps(activity).encode()
    before = await counts(services)
    response = await client.post("/inbox", content=body, headers=headers_for(how, bob, eve, body))
    event(f"{how} {response.status_code} {str(activity.get('type'))[:20]}")
    assert response.status_code < 500, response.text
    actor = actor_id(activity)  # a plain IRI or an embedded actor's id, as the inbox reads it
    if not (how == "actor" and actor == bob.uri):
        assert response.status_code != 202 or how == "other actor" and actor == eve.uri
        assert await counts(services) == before, f"{how} POST changed what is stored"
    await run_due_work(services)  # must not raise, whatever was stored
    await assert_world_intact(services)


@FUZZ
@given(data=st.data())
async def test_fuzzed_stored_items_never_break_the_worker(services, world, data):
    bob = world["bob"]
    activity = data.draw(activities(bob.uri, world["post"]), label="activity")
    kind = activity.get("type") if isinstance(activity.get("type"), str) else "Create"
    async with services.sessions() as session:
        # As receive() would store it after verifying bob's signature, whatever the body says.
        count = (await session.exec(select(func.count()).select_from(InboxItem))).one()
        item = InboxItem(activity_uri=f"urn:fuzz:{count}", activity_type=kind[:64].replace("\x00", ""),
                         actor_uri=bob.uri, body=json.dumps(activity))
        session.add(item)
        await session.commit()
        await session.refresh(item)
    await process_item(services, item.id)  # records failures itself; never raises
    [after] = await rows(services, InboxItem, InboxItem.id == item.id)
    assert after.state in ("done", "failed") or after.attempts == 1 and after.last_error
    await assert_world_intact(services)
