"""resolve_mentions and resolve_reply: handles with ports, mentions that cannot be linked, replies by web page."""

import pytest
from posting import add_remote, publish
from remote_shapes import gotosocial_note, mastodon_note, serve_post

from fediart.outbox.publish import PublishError
from fediart.worker import run_due_work


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana")


async def test_a_handle_with_a_port_names_the_actor_on_that_port(services, network, ana):
    ported = network.add_actor("bea", host="remote.example:8443")
    await services.remote_actors.by_uri(ported.uri)  # known first, as a follower would be
    plain = await add_remote(services, network, "bea", host="remote.example")
    cy = network.add_actor("cy", host="remote.example:8443")  # known only through WebFinger
    unlinked: dict[str, str] = {}
    post = await publish(services, text="@bea@remote.example, @bea@remote.example:8443, @bea@remote.example:443 "
                                        "and @cy@remote.example:8443", unlinked=unlinked)
    assert unlinked == {}  # ":443" is the default port: the first bea again
    assert post.tags == [
        {"type": "Mention", "href": plain.uri, "name": "@bea@remote.example"},
        {"type": "Mention", "href": ported.uri, "name": "@bea@remote.example:8443"},
        {"type": "Mention", "href": cy.uri, "name": "@cy@remote.example:8443"},
    ]
    # WebFinger was asked on the port, for the handle with the port.
    [finger] = [r for r in network.gets if r.url.path == "/.well-known/webfinger"]
    assert str(finger.url) == ("https://remote.example:8443/.well-known/webfinger"
                               "?resource=acct%3Acy%40remote.example%3A8443")
    assert 'href="https://remote.example:8443/@bea"' in post.content


async def test_unlinked_mentions_are_reported_with_the_reason(services, network, ana):
    carol = network.add_actor("carol")
    network.down.add("down.example")
    unlinked: dict[str, str] = {}
    post = await publish(services, text="@nobody@remote.example @bea@down.example @carol@remote.example @zed",
                         unlinked=unlinked)
    assert unlinked == {
        "nobody@remote.example": "remote.example has no such account",
        "bea@down.example": "down.example could not be asked: ConnectError: Connection refused",
        "zed": "there is no artist named zed on this server",
    }
    # Published all the same: the others are plain text, carol is linked and gets the post.
    assert "@nobody@remote.example" in post.content and "@bea@down.example" in post.content
    assert [t["href"] for t in post.tags] == [carol.uri]
    await run_due_work(services)
    assert [b["type"] for b in network.deliveries_to(carol.shared_inbox_url)] == ["Create"]


async def test_a_reply_by_web_page_answers_the_canonical_post(services, network, ana):
    bob = network.add_actor("bob", host="mastodon.example")
    bea = network.add_actor("bea", host="gts.example", shared_inbox=False)
    toot, status = mastodon_note(bob), gotosocial_note(bea)
    reply = await publish(services, text="Lovely.", reply_to=serve_post(network, toot))
    assert reply.in_reply_to == toot["id"]
    assert {"type": "Mention", "href": bob.uri, "name": "@bob@mastodon.example"} in reply.tags
    other = await publish(services, text="Same.", reply_to=serve_post(network, status))
    assert other.in_reply_to == status["id"]
    await run_due_work(services)
    assert [b["object"]["inReplyTo"] for b in network.deliveries_to(bea.inbox)] == [status["id"]]


async def test_a_reply_to_a_page_pointing_elsewhere_is_refused_and_nothing_is_published(services, network, ana):
    network.add_actor("bob", host="mastodon.example")
    mallory = network.add_actor("mallory", host="evil.example")
    network.documents["https://mastodon.example/@bob/7"] = network.add_document(mastodon_note(mallory, "7"))
    with pytest.raises(PublishError, match=r"cannot reply to https://mastodon.example/@bob/7: .* another server"):
        await publish(services, text="?", reply_to="https://mastodon.example/@bob/7")
    await run_due_work(services)
    assert network.received == []


async def test_mentions_past_the_limit_are_reported_too(services, make_artist, ana):
    for n in range(1, 22):
        await make_artist(f"u{n}")
    unlinked: dict[str, str] = {}
    post = await publish(services, text=" ".join(f"@u{n}" for n in range(1, 22)), unlinked=unlinked)
    assert len(post.tags) == 20 and unlinked == {"u21": "a post links at most 20 mentions"}
