"""Remote text that does not fit the columns, as remote servers send it: never a 500, never a stuck
item, and one id always the same row (PostgreSQL refuses NUL and over-long VARCHARs; SQLite does not).
"""

from fakes import post_activity
from inbox.activities import activity, actor_url, add_post, mention, note, post_url, rows, send

from fediart.inbox.notes import fit_html
from fediart.store.fit import URI_MAX, stored_uri
from fediart.store.tables import InboxItem, Interaction, Notification, Actor, RemotePost, Tombstone
from fediart.worker import run_due_work


def long_id(actor, tail: str) -> str:
    """An id on the actor's server longer than the columns, ending in `tail`."""
    return f"{actor.uri}/statuses/{'9' * URI_MAX}{tail}"


async def test_the_author_of_a_long_id_note_can_edit_and_delete_it(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob")
    first, second = note(bob, id=long_id(bob, "1"), tag=[mention("ana")]), \
        note(bob, id=long_id(bob, "2"), tag=[mention("ana")])  # the same first 2000 characters
    for created in (first, second):
        await send(client, services, bob, activity(bob, "Create", created))
    assert len(await rows(services, RemotePost)) == 2 and len(await rows(services, Notification)) == 2

    edited = {**first, "content": "<p>edited</p>", "updated": "2026-03-02T12:00:00Z"}
    await send(client, services, bob, activity(bob, "Update", edited))
    await send(client, services, bob, activity(bob, "Delete", {"id": second["id"], "type": "Tombstone"}))
    by_key = {p.uri: p for p in await rows(services, RemotePost)}
    assert by_key[stored_uri(first["id"])].content == "<p>edited</p>"
    assert by_key[stored_uri(second["id"])].deleted_at is not None and by_key[stored_uri(second["id"])].content == ""
    # A late copy of the deleted note stays deleted.
    await send(client, services, bob, activity(bob, "Create", second))
    assert len(await rows(services, RemotePost)) == 2 and len(await rows(services, Tombstone)) == 1


async def test_a_long_id_like_is_kept_once_and_can_be_undone(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob")
    liked = activity(bob, "Like", post_url(post), id=f"{bob.uri}/likes/{'x' * URI_MAX}")
    await send(client, services, bob, liked)
    resent = await post_activity(client, bob, liked)
    assert resent.status_code == 202 and len(await rows(services, InboxItem)) == 1  # a resend is a duplicate
    assert len(await rows(services, Interaction)) == 1
    await send(client, services, bob, activity(bob, "Undo", liked["id"]))  # named by id only
    assert await rows(services, Interaction) == [] and await rows(services, Notification) == []


async def test_nul_characters_never_reach_the_database(client, network, services, make_artist):
    await make_artist("ana")
    bob = network.add_actor("bob", extra={"name": "B\u0000b", "summary": "<p>x\u0000y</p>"})
    nul_id = activity(bob, "Wobble", "x", id=bob.uri + "/activities/\u0000")
    await send(client, services, bob, nul_id)
    noted = note(bob, content="<p>a\u0000b</p>", summary="c\u0000w", url="https://remote.example/\u0000",
                 tag=[mention("ana")])
    nul_type = await post_activity(client, bob, activity(bob, "Create\u0000", noted))  # a NUL even in the type
    assert nul_type.status_code == 400 and await rows(services, RemotePost) == []
    await send(client, services, bob, activity(bob, "Create", noted))
    [kept] = await rows(services, RemotePost)
    assert (kept.content, kept.summary, kept.url) == ("<p>ab</p>", "cw", None)
    [remote] = [a for a in await rows(services, Actor) if not a.local]  # ana's own row is made for her mention
    assert remote.display_name == "Bb" and remote.summary == "<p>xy</p>"


async def test_an_actor_whose_id_cannot_be_stored_is_refused(client, network, services):
    long = network.add_actor("b" * URI_MAX)
    response = await post_activity(client, long, activity(long, "Like", "https://art.example/users/ana/statuses/1"))
    assert response.status_code == 400 and "too long" in response.json()["error"]
    assert await rows(services, InboxItem) == [] and await rows(services, Actor) == []


async def test_oversized_actor_and_note_fields_are_cut_to_fit(client, network, services, make_artist):
    ana = await make_artist("ana")
    post = await add_post(services, ana)
    bob = network.add_actor("bob", extra={"name": "n" * 5000, "url": "https://remote.example/@" + "u" * 3000})
    big = note(bob, content="<p>" + "<b>bold</b> &amp; " * 20_000 + "</p>", summary="<i>cw</i>" * 500,
               inReplyTo=post_url(post), url="https://remote.example/" + "u" * 3000)
    await send(client, services, bob, activity(bob, "Create", big))
    [kept] = await rows(services, RemotePost)
    assert 90_000 < len(kept.content) <= 100_000 and kept.content.endswith("</p>")
    assert len(kept.summary) <= 1000 and kept.summary.endswith("</i>") and kept.url is None
    [remote] = await rows(services, Actor)
    assert len(remote.display_name) == 500 and remote.url is None  # a URL is dropped, never cut


def test_fit_html_cuts_between_tags_and_stays_within_the_limit():
    text = "<p>" + "<a href=\"https://x.example/\">link</a> &amp; " * 3 + "</p>"
    for limit in range(1, len(text) + 5):
        cut = fit_html(text, limit)
        assert len(cut) <= limit and cut.count("<a") == cut.count("</a>")
        assert "&amp;a" not in cut and "&lt;" not in cut  # no half entity or half tag shown as text
    assert fit_html("<p>short</p>", 100) == "<p>short</p>"


def test_stored_uri_is_stable_and_tells_long_ids_apart():
    short = "https://remote.example/notes/1"
    assert stored_uri(short) == short
    a, b = "https://r.example/" + "a" * URI_MAX, "https://r.example/" + "a" * URI_MAX + "b"
    assert stored_uri(a) == stored_uri(a) != stored_uri(b) and len(stored_uri(a)) <= URI_MAX
    assert "\x00" not in stored_uri("https://r.example/\x00")
