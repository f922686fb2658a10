"""Queries on local posts and their media: one post, a page of an outbox, a gallery, a listing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Text, case, cast, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import Account, Media, Post

PUBLICLY_VISIBLE = ("public", "unlisted")  # served to anyone and listed in the outbox


async def get_post(session: AsyncSession, username: str, post_id: int) -> tuple[Account, Post] | None:
    """A post and its author, if `username` wrote post `post_id` (deleted ones included)."""
    row = (await session.exec(
        select(Account, Post).join(Post, Post.account_id == Account.id)
        .where(Account.username == username.lower(), Post.id == post_id)
    )).first()
    return None if row is None else (row[0], row[1])


async def media_for(session: AsyncSession, post_ids: Iterable[int]) -> dict[int, list[Media]]:
    """Each post's media, in the order the artist gave them."""
    ids = list(post_ids)
    grouped: dict[int, list[Media]] = defaultdict(list)
    if not ids:
        return grouped
    rows = await session.exec(select(Media).where(Media.post_id.in_(ids)).order_by(Media.post_id, Media.position))
    for media in rows.all():
        grouped[media.post_id].append(media)
    return grouped


def _listed(account_id: int):
    return (Post.account_id == account_id, Post.visibility.in_(PUBLICLY_VISIBLE), Post.deleted_at.is_(None))


async def public_posts(session: AsyncSession, account_id: int, *, max_id: int | None = None,
                       min_id: int | None = None, limit: int = 20) -> list[Post]:
    """Newest first: the `limit` posts below max_id, or the `limit` posts just above min_id."""
    query = select(Post).where(*_listed(account_id))
    if min_id is not None:
        # The page just above min_id: the oldest `limit` of the newer posts, then newest first.
        rows = (await session.exec(query.where(Post.id > min_id).order_by(Post.id.asc()).limit(limit))).all()
        return list(reversed(rows))
    if max_id is not None:
        query = query.where(Post.id < max_id)
    return list((await session.exec(query.order_by(Post.id.desc()).limit(limit))).all())


async def count_public_posts(session: AsyncSession, account_id: int) -> int:
    return (await session.exec(select(func.count()).select_from(Post).where(*_listed(account_id)))).one()


async def has_public_posts(session: AsyncSession, account_id: int, *, below: int | None = None,
                           above: int | None = None) -> bool:
    """Whether listed posts exist with ids below `below` or above `above` (for next/prev links)."""
    query = select(Post.id).where(*_listed(account_id))
    if below is not None:
        query = query.where(Post.id < below)
    if above is not None:
        query = query.where(Post.id > above)
    return (await session.exec(query.limit(1))).first() is not None


@dataclass(frozen=True)
class Work:
    """A public post shown as a work: the post, its first image and how many images it has."""

    post: Post
    cover: Media
    images: int


def _cover_position():
    return select(func.min(Media.position)).where(Media.post_id == Post.id).correlate(Post).scalar_subquery()


def _image_count():
    return select(func.count()).select_from(Media).where(Media.post_id == Post.id).correlate(Post).scalar_subquery()


def _shown_as_work():
    """Public (not unlisted: that stays off listings), not deleted, seen through its first image."""
    return (Post.visibility == "public", Post.deleted_at.is_(None), Media.position == _cover_position())


async def works_page(session: AsyncSession, account_id: int, *, offset: int, limit: int) -> list[Work]:
    """A page of an artist's works: pinned ones first (latest pin first), then newest first."""
    unpinned_last = case((Post.pinned_at.is_(None), 1), else_=0)
    rows = await session.exec(
        select(Post, Media, _image_count()).join(Media, Media.post_id == Post.id)
        .where(Post.account_id == account_id, *_shown_as_work())
        .order_by(unpinned_last, Post.pinned_at.desc(), Post.id.desc()).offset(offset).limit(limit)
    )
    return [Work(post, media, count) for post, media, count in rows.all()]


async def latest_works(session: AsyncSession, account_ids: Iterable[int], per_account: int) -> dict[int, list[Work]]:
    """The newest `per_account` works of each account, in one query (the front page lists many artists)."""
    ids = list(account_ids)
    grouped: dict[int, list[Work]] = defaultdict(list)
    if not ids:
        return grouped
    ranked = (
        select(Post.id.label("post_id"), Media.id.label("media_id"),
               func.row_number().over(partition_by=Post.account_id, order_by=Post.id.desc()).label("rank"))
        .join(Media, Media.post_id == Post.id)
        .where(Post.account_id.in_(ids), *_shown_as_work())
        .subquery()
    )
    rows = await session.exec(
        select(Post, Media, _image_count())
        .join(ranked, ranked.c.post_id == Post.id).join(Media, Media.id == ranked.c.media_id)
        .where(ranked.c.rank <= per_account).order_by(Post.account_id, Post.id.desc())
    )
    for post, media, count in rows.all():
        grouped[post.account_id].append(Work(post, media, count))
    return grouped


async def feed_posts(session: AsyncSession, account_id: int, limit: int = 20) -> list[Post]:
    """An artist's public posts for their feed, newest first, pins ignored (a feed is a timeline)."""
    rows = await session.exec(
        select(Post).where(Post.account_id == account_id, Post.visibility == "public", Post.deleted_at.is_(None))
        .order_by(Post.id.desc()).limit(limit)
    )
    return list(rows.all())


async def posts_of(session: AsyncSession, account_id: int, limit: int = 50) -> list[Post]:
    """An artist's posts of every visibility, deleted ones included, newest first (for the CLI)."""
    rows = await session.exec(select(Post).where(Post.account_id == account_id).order_by(Post.id.desc()).limit(limit))
    return list(rows.all())


async def tagged_posts(session: AsyncSession, tag_href: str, limit: int = 40,
                       offset: int = 0) -> list[tuple[Account, Post]]:
    """Public posts by artists that carry the Hashtag whose href is `tag_href`, newest first."""
    # The href as a whole JSON string, quotes included, so #ink never matches #inkwell; LIKE's
    # wildcards escaped, so #a_b never matches #axb. Works alike on SQLite and PostgreSQL.
    needle = '"' + tag_href.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"'
    rows = await session.exec(
        select(Account, Post).join(Post, Post.account_id == Account.id)
        .where(Account.kind == "person", Post.visibility == "public", Post.deleted_at.is_(None),
               cast(Post.tags, Text).like(f"%{needle}%", escape="\\"))
        .order_by(Post.id.desc()).offset(offset).limit(limit)
    )
    return [(account, post) for account, post in rows.all()]
