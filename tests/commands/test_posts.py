"""`fediart post` against the fake network: what the artist reads about mentions and replies."""

import pytest
from posting import add_remote
from remote_shapes import mastodon_note, serve_post

from fediart.commands import CliError
from fediart.store.tables import Post
from fediart.worker import run_due_work


async def only_post_id(services) -> int:
    from sqlmodel import select

    async with services.sessions() as session:
        [post] = (await session.exec(select(Post))).all()
    return post.id


async def test_post_says_which_mentions_were_not_linked_and_why(services, network, make_artist, cli):
    ana = await make_artist("ana")
    await add_remote(services, network, "carol", follows=ana)
    network.down.add("down.example")
    out = await cli("post", "ana", "--text", "For @carol@remote.example @nobody@remote.example @bea@down.example")
    lines = out.splitlines()
    post_id = await only_post_id(services)
    assert lines[1].startswith(f"post {post_id} published (public); queued for 1 inbox(es)")
    assert lines[2:] == [
        "@nobody@remote.example is not linked (plain text, not notified): remote.example has no such account",
        "@bea@down.example is not linked (plain text, not notified): down.example could not be asked: "
        "ConnectError: Connection refused",
    ]
    out = await cli("post", "edit", str(post_id), "--text", "For @carol@remote.example and @zed")
    assert out.splitlines() == [f"post {post_id} edited; update queued for 1 inbox(es)",
                                "@zed is not linked (plain text, not notified): there is no artist named zed on "
                                "this server"]


async def test_reply_to_a_web_page(services, network, make_artist, cli):
    await make_artist("ana")
    bob = network.add_actor("bob", host="mastodon.example")
    note = mastodon_note(bob)
    out = await cli("post", "ana", "--text", "Lovely.", "--reply-to", serve_post(network, note))
    assert "published" in out and "not linked" not in out
    await run_due_work(services)
    [create] = network.deliveries_to(bob.shared_inbox_url)
    assert create["object"]["inReplyTo"] == note["id"]
    assert create["object"]["tag"] == [{"type": "Mention", "href": bob.uri, "name": "@bob@mastodon.example"}]


async def test_reply_to_a_page_naming_another_server_is_one_clear_error(services, network, make_artist, cli):
    await make_artist("ana")
    mallory = network.add_actor("mallory", host="evil.example")
    network.documents["https://mastodon.example/@bob/7"] = network.add_document(mastodon_note(mallory, "7"))
    with pytest.raises(CliError, match=r"^cannot reply to https://mastodon.example/@bob/7: "
                                       r"https://mastodon.example/@bob/7 leads to "
                                       r"'https://evil.example/users/mallory/statuses/7', which is on another server"):
        await cli("post", "ana", "--text", "?", "--reply-to", "https://mastodon.example/@bob/7")
    async with services.sessions() as session:
        assert await session.get(Post, 1) is None
