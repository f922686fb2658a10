"""Queries on albums: an artist's albums with counts and covers, an album's works in order, its post ids.

An album lists only live posts anyone may see (public or unlisted, as the outbox does): items are
joined on such posts here, so a deleted post, or one no longer open, drops out of every album.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.album_tables import Album, AlbumItem
from fediart.store.posts import PUBLICLY_VISIBLE, media_for
from fediart.store.tables import Account, Media, Post


@dataclass(frozen=True)
class AlbumWork:
    """A post as an album shows it: its first image (None for words only) and how many it has."""

    post: Post
    cover: Media | None
    images: int


@dataclass(frozen=True)
class AlbumSummary:
    """An album as a list shows it: how many works it holds and the first of them."""

    album: Album
    count: int
    first: AlbumWork | None


def _listed():
    """AlbumItem rows whose post is live and open to anyone (joined with Post)."""
    return (AlbumItem.post_id == Post.id, Post.deleted_at.is_(None), Post.visibility.in_(PUBLICLY_VISIBLE))


def _in_order():
    return AlbumItem.position.asc(), AlbumItem.id.asc()


async def get_album(session: AsyncSession, album_id: int) -> Album | None:
    return await session.get(Album, album_id)


async def public_album(session: AsyncSession, username: str, album_id: int) -> tuple[Account, Album] | None:
    """An artist's album, if `username` (a person) made album `album_id`."""
    row = (await session.exec(
        select(Account, Album).join(Album, Album.account_id == Account.id)
        .where(Account.username == username.lower(), Account.kind == "person", Album.id == album_id)
    )).first()
    return None if row is None else (row[0], row[1])


async def count_albums(session: AsyncSession, account_id: int) -> int:
    return (await session.exec(select(func.count()).select_from(Album).where(Album.account_id == account_id))).one()


async def count_items(session: AsyncSession, album_id: int) -> int:
    """How many works the album lists now."""
    return (await session.exec(
        select(func.count()).select_from(AlbumItem).join(Post, Post.id == AlbumItem.post_id)
        .where(AlbumItem.album_id == album_id, *_listed())
    )).one()


async def listed_items(session: AsyncSession, album_id: int) -> list[AlbumItem]:
    """The album's listed items in order (for reordering; at most an album's limit)."""
    rows = await session.exec(
        select(AlbumItem).join(Post, Post.id == AlbumItem.post_id)
        .where(AlbumItem.album_id == album_id, *_listed()).order_by(*_in_order())
    )
    return list(rows.all())


async def item_of(session: AsyncSession, album_id: int, post_id: int) -> AlbumItem | None:
    """The album's row for a post, listed or not."""
    return (await session.exec(
        select(AlbumItem).where(AlbumItem.album_id == album_id, AlbumItem.post_id == post_id))).first()


async def last_position(session: AsyncSession, album_id: int) -> int:
    """The highest position used in the album (-1 when empty), so an added post goes last."""
    found = (await session.exec(select(func.max(AlbumItem.position)).where(AlbumItem.album_id == album_id))).one()
    return -1 if found is None else found


async def album_post_ids(session: AsyncSession, album_id: int, *, offset: int = 0, limit: int = 100) -> list[int]:
    """The ids of the posts the album lists, in its order."""
    rows = await session.exec(
        select(Post.id).join(AlbumItem, AlbumItem.post_id == Post.id)
        .where(AlbumItem.album_id == album_id, *_listed()).order_by(*_in_order()).offset(offset).limit(limit)
    )
    return list(rows.all())


async def _works(session: AsyncSession, posts: list[Post]) -> list[AlbumWork]:
    media = await media_for(session, [p.id for p in posts])
    return [AlbumWork(p, media[p.id][0] if media[p.id] else None, len(media[p.id])) for p in posts]


async def album_works(session: AsyncSession, album_id: int, *, offset: int, limit: int) -> list[AlbumWork]:
    """A page of the album's works, in its order."""
    rows = await session.exec(
        select(Post).join(AlbumItem, AlbumItem.post_id == Post.id)
        .where(AlbumItem.album_id == album_id, *_listed()).order_by(*_in_order()).offset(offset).limit(limit)
    )
    return await _works(session, list(rows.all()))


async def albums_of(session: AsyncSession, account_id: int) -> list[AlbumSummary]:
    """An artist's albums, newest first, each with its count and first work (three queries in all)."""
    albums = list((await session.exec(
        select(Album).where(Album.account_id == account_id).order_by(Album.id.desc()))).all())
    ids = [a.id for a in albums]
    counts, firsts = await _counts(session, ids), await _first_works(session, ids)
    return [AlbumSummary(a, counts.get(a.id, 0), firsts.get(a.id)) for a in albums]


async def _counts(session: AsyncSession, album_ids: Iterable[int]) -> dict[int, int]:
    ids = list(album_ids)
    if not ids:
        return {}
    rows = await session.exec(
        select(AlbumItem.album_id, func.count()).join(Post, Post.id == AlbumItem.post_id)
        .where(AlbumItem.album_id.in_(ids), *_listed()).group_by(AlbumItem.album_id)
    )
    return {album_id: count for album_id, count in rows.all()}


async def _first_works(session: AsyncSession, album_ids: Iterable[int]) -> dict[int, AlbumWork]:
    ids = list(album_ids)
    if not ids:
        return {}
    ranked = (
        select(AlbumItem.album_id.label("album_id"), AlbumItem.post_id.label("post_id"),
               func.row_number().over(partition_by=AlbumItem.album_id, order_by=_in_order()).label("rank"))
        .join(Post, Post.id == AlbumItem.post_id)
        .where(AlbumItem.album_id.in_(ids), *_listed())
        .subquery()
    )
    rows = (await session.exec(
        select(ranked.c.album_id, Post).join(Post, Post.id == ranked.c.post_id).where(ranked.c.rank == 1))).all()
    works = await _works(session, [post for _, post in rows])
    return {album_id: work for (album_id, _), work in zip(rows, works)}
