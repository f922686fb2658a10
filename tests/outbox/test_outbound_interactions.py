"""outbox/interactions.py's activities, sent through the actions: what a remote server receives when an
artist likes, boosts, and takes them back."""

from datetime import UTC, datetime, timedelta

import pytest
from inbox.activities import actor_url, assert_licensed, assert_signed_by, received_of
from posting import add_remote
from remote_shapes import PUBLIC, gotosocial_note, mastodon_note, serve_post

from fediart.actions.interactions import interact, status_of_url, take_back
from fediart.store.states import InteractionKind
from fediart.worker import run_due_work

ANA = actor_url("ana")
FOLLOWERS = ANA + "/followers"


async def send_interaction(services, account, kind: str, url: str, undo: bool = False) -> bool:
    """Like or boost the post at `url` (or undo it) as the CLI does; whether anything changed."""
    status = await status_of_url(services, url)
    kind = InteractionKind.LIKE if kind == "like" else InteractionKind.BOOST
    if undo:
        return (await take_back(services, account, kind, status))[1]
    return (await interact(services, account, kind, status))[2]


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana")


async def delivered(services, network, inbox: str, kind: str) -> list[dict]:
    await run_due_work(services)
    return [r.body for r in received_of(network, inbox, kind)]


async def test_like_by_web_page_sends_a_signed_like_of_the_canonical_note(services, network, ana):
    bob = network.add_actor("bob", host="mastodon.example")
    note = mastodon_note(bob)
    await send_interaction(services, ana, "like", serve_post(network, note))
    await run_due_work(services)
    [received] = received_of(network, bob.shared_inbox_url, "Like")
    like = received.body
    assert (like["actor"], like["object"]) == (ANA, note["id"])
    assert like["id"].startswith(ANA + "#likes/")
    assert_licensed(like)
    assert_signed_by(received, ana)


async def test_boost_carries_published_and_reaches_the_author_and_followers(services, network, ana):
    bea = network.add_actor("bea", host="gts.example", shared_inbox=False)  # GoToSocial: no shared inbox
    await add_remote(services, network, "carol", host="follower.example", follows=ana)
    note = gotosocial_note(bea)
    before = datetime.now(UTC).replace(microsecond=0)
    await send_interaction(services, ana, "boost", serve_post(network, note))
    [announce] = await delivered(services, network, bea.inbox, "Announce")
    assert (announce["actor"], announce["object"]) == (ANA, note["id"])
    assert announce["to"] == [PUBLIC] and announce["cc"] == [bea.uri, FOLLOWERS]
    published = datetime.strptime(announce["published"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= published <= datetime.now(UTC) + timedelta(seconds=1)
    assert received_of(network, "https://follower.example/inbox", "Announce")[0].body == announce


async def test_unlike_sends_an_undo_embedding_the_like_that_was_sent(services, network, ana):
    bob = network.add_actor("bob", host="mastodon.example")
    page = serve_post(network, mastodon_note(bob))
    await send_interaction(services, ana, "like", page)
    [like] = await delivered(services, network, bob.shared_inbox_url, "Like")

    await send_interaction(services, ana, "like", page, undo=True)
    await run_due_work(services)
    [received] = received_of(network, bob.shared_inbox_url, "Undo")
    undo = received.body
    assert undo["actor"] == ANA and undo["id"] == like["id"] + "/undo"
    inner = undo["object"]
    assert (inner["id"], inner["type"], inner["actor"], inner["object"]) == (like["id"], "Like", ANA, like["object"])
    assert inner == {k: v for k, v in like.items() if k != "@context"}
    assert "to" not in undo  # a Like is addressed to no one; neither is its Undo (as Mastodon sends it)
    assert_licensed(undo)
    assert_signed_by(received, ana)

    # Liked again after the Undo: a new Like with a new id, so the remote server does not see a replay.
    await send_interaction(services, ana, "like", page)
    likes = await delivered(services, network, bob.shared_inbox_url, "Like")
    assert len(likes) == 2 and likes[1]["id"] != like["id"] and likes[1]["object"] == like["object"]


async def test_unboost_sends_an_undo_embedding_the_announce_to_everyone_who_got_it(services, network, ana):
    bob = network.add_actor("bob", host="mastodon.example")
    await add_remote(services, network, "carol", host="follower.example", follows=ana)
    page = serve_post(network, mastodon_note(bob))
    await send_interaction(services, ana, "boost", page)
    [announce] = await delivered(services, network, bob.shared_inbox_url, "Announce")

    await send_interaction(services, ana, "boost", page, undo=True)
    for inbox in (bob.shared_inbox_url, "https://follower.example/inbox"):
        [undo] = await delivered(services, network, inbox, "Undo")
        assert undo["id"] == announce["id"] + "/undo" and undo["actor"] == ANA
        assert (undo["to"], undo["cc"]) == ([PUBLIC], [bob.uri, FOLLOWERS])
        inner = undo["object"]
        assert (inner["id"], inner["type"], inner["actor"], inner["object"]) == (
            announce["id"], "Announce", ANA, announce["object"])
        assert inner["published"] == announce["published"]  # the Announce as sent, not a new one


async def test_twice_or_never_changes_nothing_and_sends_nothing_more(services, network, ana):
    bob = network.add_actor("bob", host="mastodon.example")
    note = mastodon_note(bob)
    page = serve_post(network, note)
    assert await send_interaction(services, ana, "like", page, undo=True) is False
    assert await send_interaction(services, ana, "boost", page) is True
    assert await send_interaction(services, ana, "boost", note["id"]) is False  # the same post, pasted by its id
    await run_due_work(services)
    assert [r.body["type"] for r in network.received] == ["Announce"]
