"""`fediart like|unlike|boost|unboost NAME URL` with web pages pasted from Mastodon and GoToSocial."""

import pytest
from inbox.activities import actor_url, received_of
from remote_shapes import gotosocial_note, mastodon_note, serve_post

from fediart.commands import CliError
from fediart.worker import run_due_work


async def test_like_boost_and_take_back_by_web_page(services, network, make_artist, cli):
    await make_artist("ana")
    bob = network.add_actor("bob", host="mastodon.example")
    bea = network.add_actor("bea", host="gts.example", shared_inbox=False)
    toot, status = mastodon_note(bob), gotosocial_note(bea)
    toot_page, status_page = serve_post(network, toot), serve_post(network, status)
    assert await cli("like", "ana", toot_page) == f"@ana liked {toot_page}; the worker delivers it\n"
    assert await cli("boost", "ana", status_page) == f"@ana boosted {status_page}; the worker delivers it\n"
    await cli("unlike", "ana", toot_page)
    await cli("unboost", "ana", status_page)
    await run_due_work(services)
    # Deliveries run concurrently, so the two may arrive in either order.
    sent = sorted((r.body["type"], r.body["object"]) for r in network.received if r.url == bob.shared_inbox_url)
    [like, undo] = sent
    assert like == ("Like", toot["id"]) and undo[0] == "Undo" and undo[1]["object"] == toot["id"]
    [announce] = received_of(network, bea.inbox, "Announce")
    [undo] = received_of(network, bea.inbox, "Undo")
    assert announce.body["object"] == status["id"] and announce.body["actor"] == actor_url("ana")
    assert undo.body["object"]["id"] == announce.body["id"]


async def test_refusals_are_one_line_naming_the_url(services, network, make_artist, cli):
    await make_artist("ana")
    bob = network.add_actor("bob", host="mastodon.example")
    mallory = network.add_actor("mallory", host="evil.example")
    network.documents["https://mastodon.example/@bob/7"] = network.add_document(mastodon_note(mallory, "7"))
    with pytest.raises(CliError, match=r"^cannot boost https://mastodon.example/@bob/7: .* which is on another "
                                       r"server \(evil.example\); refused$"):
        await cli("boost", "ana", "https://mastodon.example/@bob/7")
    page = serve_post(network, mastodon_note(bob))
    with pytest.raises(CliError, match=r"^cannot unlike .*: @ana has not liked https://mastodon.example/users/bob/"):
        await cli("unlike", "ana", page)
    await run_due_work(services)
    assert network.received == []
