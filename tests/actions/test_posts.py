"""actions/posts.py called directly: ownership, uploads, idempotency, pins, history and redraft."""

from datetime import timedelta

import pytest
from posting import jpeg
from sqlmodel import select

from fediart.actions.errors import ActionError, NotFound
from fediart.actions.media import upload_media
from fediart.actions.posts import (
    MAX_PINS,
    create_status,
    delete_status,
    edit_status,
    pin_status,
    status_history,
    unpin_status,
)
from fediart.store.states import Visibility
from fediart.store.tables import IdempotencyKey, Media, Post, PostEdit, utcnow


@pytest.fixture
async def ana(make_artist):
    return await make_artist("ana")


async def rows(services, table, *where):
    async with services.sessions() as session:
        return list((await session.exec(select(table).where(*where))).all())


async def test_another_artists_upload_cannot_be_attached(services, ana, make_artist):
    bea = await make_artist("bea")
    theirs = await upload_media(services, bea, jpeg())
    with pytest.raises(ActionError, match=f"media {theirs.id} is not an upload of yours") as caught:
        await create_status(services, ana, text="stolen", media_ids=[str(theirs.id)])
    assert caught.value.status == 422
    assert await rows(services, Post) == []
    with pytest.raises(ActionError, match="not a media id"):
        await create_status(services, ana, text="x", media_ids=["../1"])


async def test_at_most_four_images(services, ana):
    uploads = [str((await upload_media(services, ana, jpeg())).id) for _ in range(5)]
    with pytest.raises(ActionError, match="at most 4 images"):
        await create_status(services, ana, text="too many", media_ids=uploads)
    post = await create_status(services, ana, text="enough", media_ids=uploads[:4])
    with pytest.raises(ActionError, match="at most 4 images"):
        await edit_status(services, ana, post.id, media_ids=uploads)


async def test_images_keep_the_order_the_client_gave(services, ana):
    first, second = await upload_media(services, ana, jpeg()), await upload_media(services, ana, jpeg())
    post = await create_status(services, ana, text="two", media_ids=[str(second.id), str(first.id)])
    stored = sorted(await rows(services, Media, Media.post_id == post.id), key=lambda m: m.position)
    assert [m.id for m in stored] == [second.id, first.id]


async def test_an_expired_idempotency_key_makes_a_new_post(services, ana):
    first = await create_status(services, ana, text="once", idempotency_key="k")
    assert (await create_status(services, ana, text="once", idempotency_key="k")).id == first.id
    async with services.sessions() as session:
        key = await session.get(IdempotencyKey, (ana.id, "k"))
        key.created_at = utcnow() - timedelta(hours=2)
        session.add(key)
        await session.commit()
    later = await create_status(services, ana, text="once", idempotency_key="k")
    assert later.id != first.id
    [key] = await rows(services, IdempotencyKey)
    assert key.post_id == later.id


async def test_a_refused_post_keeps_no_idempotency_key(services, ana):
    with pytest.raises(ActionError):
        await create_status(services, ana, text="", idempotency_key="k")
    assert await rows(services, IdempotencyKey) == []


async def test_edit_of_another_artists_or_a_deleted_post_is_not_found(services, ana, make_artist):
    bea = await make_artist("bea")
    post = await create_status(services, ana, text="mine")
    with pytest.raises(NotFound):
        await edit_status(services, bea, post.id, text="theirs")
    with pytest.raises(NotFound):
        await delete_status(services, bea, post.id)
    before, media = await delete_status(services, ana, post.id)
    assert before.source == "mine" and before.deleted_at is None and media == []
    with pytest.raises(NotFound):
        await edit_status(services, ana, post.id, text="again")


async def test_deleting_a_post_forgets_its_earlier_versions(services, ana):
    post = await create_status(services, ana, text="first")
    await edit_status(services, ana, post.id, text="second")
    _, versions = await status_history(services, ana, post.id)
    assert [v.content for v in versions] == ["<p>first</p>", "<p>second</p>"]
    await delete_status(services, ana, post.id)
    assert await rows(services, PostEdit) == []


async def test_pins_own_posts_only_not_direct_and_at_most_five(services, ana, make_artist):
    bea = await make_artist("bea")
    posts = [await create_status(services, ana, text=f"work {n}") for n in range(MAX_PINS + 1)]
    with pytest.raises(NotFound):
        await pin_status(services, bea, posts[0].id)
    for post in posts[:MAX_PINS]:
        assert (await pin_status(services, ana, post.id)).pinned_at is not None
    assert (await pin_status(services, ana, posts[0].id)).pinned_at is not None  # again: no change, no error
    with pytest.raises(ActionError, match=f"at most {MAX_PINS}"):
        await pin_status(services, ana, posts[-1].id)
    # A deleted pinned post frees its place.
    await delete_status(services, ana, posts[0].id)
    assert (await pin_status(services, ana, posts[-1].id)).pinned_at is not None
    await unpin_status(services, ana, posts[-1].id)
    direct = await create_status(services, ana, text="@bea hello", visibility=Visibility.DIRECT)
    with pytest.raises(ActionError, match="direct posts cannot be pinned"):
        await pin_status(services, ana, direct.id)


async def test_a_reply_to_a_post_the_artist_cannot_see_is_not_found(services, ana, make_artist):
    bea = await make_artist("bea")
    hidden = await create_status(services, bea, text="for my followers", visibility=Visibility.FOLLOWERS)
    with pytest.raises(NotFound):
        await create_status(services, ana, text="nosy", in_reply_to_id=str(hidden.id))
