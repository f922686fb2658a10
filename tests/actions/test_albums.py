"""actions/albums.py: the limits (200 albums, 1,000 works an album), titles, what may go in, reordering."""

from __future__ import annotations

import pytest
from web.works_support import add_work

from fediart.actions.albums import (MAX_ALBUMS, MAX_ITEMS, add_to_album, album_page, create_album, list_albums,
                                    move_in_album, remove_from_album)
from fediart.actions.errors import ActionError, NotFound
from fediart.store.album_tables import Album, AlbumItem
from fediart.store.tables import Post


async def _order(services, album) -> list[int]:
    return [w.post.id for w in (await album_page(services, album, 1, MAX_ITEMS)).works]


async def test_an_artist_has_at_most_200_albums(services, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    async with services.sessions() as session:
        session.add_all([Album(account_id=ana.id, title=f"Album {n}") for n in range(MAX_ALBUMS - 1)])
        await session.commit()
    await create_album(services, ana, "The last one")
    with pytest.raises(ActionError, match="200 albums, the most an artist can have") as refused:
        await create_album(services, ana, "One too many")
    assert refused.value.status == 422
    assert len(await list_albums(services, ana)) == MAX_ALBUMS
    await create_album(services, bea, "Another artist's count is her own")


async def test_an_album_holds_at_most_1000_works(services, make_artist):
    ana = await make_artist("ana")
    album = await create_album(services, ana, "Full")
    async with services.sessions() as session:
        posts = [Post(account_id=ana.id, content="", source=f"{n}") for n in range(MAX_ITEMS + 1)]
        session.add_all(posts)
        await session.flush()
        session.add_all([AlbumItem(album_id=album.id, post_id=p.id, position=n) for n, p in enumerate(posts[:-2])])
        await session.commit()
        last, extra = posts[-2].id, posts[-1].id
    with pytest.raises(ActionError, match="at most 1000 works"):
        await add_to_album(services, ana, album.id, [last, extra])  # both would pass the limit
    assert await add_to_album(services, ana, album.id, [last]) == 1
    with pytest.raises(ActionError, match="at most 1000 works"):
        await add_to_album(services, ana, album.id, [extra])
    assert (await album_page(services, album, 1)).total == MAX_ITEMS


async def test_titles_descriptions_and_what_may_go_in(services, make_artist):
    ana, bea = await make_artist("ana"), await make_artist("bea")
    for title, message in (("   ", "Give the album a title"), ("x" * 101, "at most 100 characters")):
        with pytest.raises(ActionError, match=message):
            await create_album(services, ana, title)
    with pytest.raises(ActionError, match="description can be at most 2000"):
        await create_album(services, ana, "Herons", "x" * 2001)
    album = await create_album(services, ana, "x" * 100)
    deleted = await add_work(services, ana, deleted=True)
    direct = await add_work(services, ana, visibility="direct")
    theirs = await add_work(services, bea)
    for post in (deleted, theirs):
        with pytest.raises(NotFound):
            await add_to_album(services, ana, album.id, [post.id])
    with pytest.raises(ActionError, match="Only public or unlisted"):
        await add_to_album(services, ana, album.id, [direct.id])
    with pytest.raises(NotFound, match="no such album of yours"):
        await add_to_album(services, bea, album.id, [theirs.id])
    mine = await add_work(services, ana)
    assert await add_to_album(services, ana, album.id, [mine.id, str(mine.id)]) == 1
    assert await add_to_album(services, ana, album.id, [mine.id]) == 0
    with pytest.raises(NotFound):
        await remove_from_album(services, ana, album.id, theirs.id)


async def test_moving_up_down_and_to_a_position(services, make_artist):
    ana = await make_artist("ana")
    a, b, c, d = [await add_work(services, ana, source=s) for s in "abcd"]
    album = await create_album(services, ana, "Letters")
    await add_to_album(services, ana, album.id, [a.id, b.id, c.id, d.id])
    await move_in_album(services, ana, album.id, c.id, direction="up")
    assert await _order(services, album) == [a.id, c.id, b.id, d.id]
    await move_in_album(services, ana, album.id, a.id, direction="up")  # already first: stays
    await move_in_album(services, ana, album.id, d.id, direction="down")  # already last: stays
    assert await _order(services, album) == [a.id, c.id, b.id, d.id]
    await move_in_album(services, ana, album.id, d.id, position=1)
    assert await _order(services, album) == [d.id, a.id, c.id, b.id]
    await move_in_album(services, ana, album.id, d.id, position=99)
    assert await _order(services, album) == [a.id, c.id, b.id, d.id]
    with pytest.raises(ActionError, match="up or down"):
        await move_in_album(services, ana, album.id, d.id, direction="sideways")
    with pytest.raises(NotFound):
        await move_in_album(services, ana, album.id, 12345, direction="up")
