"""actions/interactions.py called directly: idempotence, what is delivered where, remote posts by URL."""

import pytest
from posting import add_remote
from remote_shapes import mastodon_note, serve_post
from sqlmodel import select

from fediart.actions.errors import ActionError, NotFound
from fediart.actions.interactions import bookmark, bookmarks, interact, status_of_url, take_back
from fediart.actions.posts import create_status, delete_status
from fediart.store.pages import Page
from fediart.api.params import Params
from fediart.store.states import InteractionKind, Visibility
from fediart.store.tables import Delivery, Interaction, OutboxActivity, RemotePost

LIKE, BOOST = InteractionKind.LIKE, InteractionKind.BOOST


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana")


async def rows(services, table, *where):
    async with services.sessions() as session:
        return list((await session.exec(select(table).where(*where))).all())


async def test_twice_is_once_and_taking_back_nothing_changes_nothing(services, ana, make_artist):
    bea = await make_artist("bea")
    post = await create_status(services, bea, text="art")
    _, first, new = await interact(services, ana, LIKE, post.id)
    _, second, again = await interact(services, ana, LIKE, post.id)
    assert new is True and again is False and first.id == second.id
    assert len(await rows(services, Interaction)) == 1
    assert (await take_back(services, ana, LIKE, post.id))[1] is True
    assert (await take_back(services, ana, LIKE, post.id))[1] is False
    assert await rows(services, Interaction) == []


async def test_liking_a_boost_likes_the_boosted_post(services, ana, make_artist):
    bea = await make_artist("bea")
    post = await create_status(services, bea, text="art")
    _, boost, _ = await interact(services, bea, BOOST, post.id)
    liked, _, _ = await interact(services, ana, LIKE, boost.id)
    assert liked.id == post.id


async def test_a_remote_post_by_url_is_stored_once_and_liked_at_its_authors_inbox(services, network, ana):
    bob = network.add_actor("bob", host="mastodon.example")
    note = mastodon_note(bob)
    page = serve_post(network, note)
    status = await status_of_url(services, page)
    assert await status_of_url(services, note["id"]) == status
    [stored] = await rows(services, RemotePost)
    assert (stored.id, stored.uri, stored.visibility) == (status, note["id"], Visibility.PUBLIC)
    await interact(services, ana, LIKE, status)
    [activity] = await rows(services, OutboxActivity)
    [delivery] = await rows(services, Delivery)
    assert activity.activity_type == "Like" and delivery.inbox == bob.shared_inbox_url


async def test_a_post_that_cannot_be_fetched_is_an_action_error(services, network, ana):
    with pytest.raises(ActionError, match="404|not found|could not"):
        await status_of_url(services, "https://mastodon.example/@nobody/1")


async def test_a_note_attributed_to_an_actor_on_another_server_is_refused(services, network, ana):
    network.add_actor("bob", host="mastodon.example")
    mallory = network.add_actor("mallory", host="evil.example")
    note = {**mastodon_note(mallory), "id": "https://mastodon.example/users/bob/statuses/9"}
    network.add_document(note)
    with pytest.raises(ActionError, match="another server"):
        await status_of_url(services, note["id"])
    assert await rows(services, RemotePost) == []


async def test_a_remote_followers_only_post_is_invisible_to_non_followers(services, network, ana):
    carol = await add_remote(services, network, "carol")
    async with services.sessions() as session:
        from fediart.store.tables import Actor

        author = (await session.exec(select(Actor).where(Actor.uri == carol.uri))).one()
        hidden = RemotePost(uri=carol.new_id("statuses"), actor_id=author.id, content="<p>psst</p>",
                            visibility=Visibility.FOLLOWERS)
        session.add(hidden)
        await session.commit()
    with pytest.raises(NotFound):
        await interact(services, ana, LIKE, hidden.id)
    with pytest.raises(NotFound):
        await bookmark(services, ana, hidden.id)


async def test_bookmarks_leave_out_posts_deleted_since(services, ana):
    kept = await create_status(services, ana, text="kept")
    gone = await create_status(services, ana, text="gone")
    await bookmark(services, ana, kept.id)
    await bookmark(services, ana, gone.id)
    await bookmark(services, ana, gone.id)  # again: still one bookmark
    await delete_status(services, ana, gone.id)
    listed = await bookmarks(services, ana, Page.from_params(Params()))
    assert [p.id for p in listed.items] == [kept.id] and len(listed.cursors) == 1
