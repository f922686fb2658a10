"""An artist's albums (series): create, rename and describe, delete, add and remove posts, reorder,
and what the pages read of them. The studio, the CLI and the public pages call these.

Only the artist's own live public or unlisted posts go in; another artist's album is NotFound, as if it
did not exist. Changes drop the artist's cached documents so the album's collection is fresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import ActionError, NotFound
from fediart.services import Services
from fediart.store import albums as store
from fediart.store.album_tables import TITLE_MAX, Album, AlbumItem
from fediart.store.albums import AlbumSummary, AlbumWork
from fediart.store.ids import parse_id
from fediart.store.posts import PUBLICLY_VISIBLE
from fediart.store.tables import Account, Post, utcnow

MAX_ALBUMS = 200  # per artist
MAX_ITEMS = 1_000  # per album
DESCRIPTION_MAX = 2_000
PAGE_SIZE = 24
NO_ALBUM = "There is no such album of yours."
NO_POST = "There is no such post of yours."
MOVES = ("up", "down")


@dataclass(frozen=True)
class AlbumPage:
    """One page of an album's works and whether a later page exists."""

    works: list[AlbumWork]
    has_more: bool
    total: int


def _album_id(value: str | int) -> int:
    found = parse_id(value if isinstance(value, int) else str(value).strip())
    if found is None:
        raise NotFound(NO_ALBUM)
    return found


def _title(value: str) -> str:
    title = " ".join(value.split())
    if not title:
        raise ActionError("Give the album a title.")
    if len(title) > TITLE_MAX:
        raise ActionError(f"An album's title can be at most {TITLE_MAX} characters; this one has {len(title)}.")
    return title


def _description(value: str) -> str:
    text = value.replace("\r\n", "\n").strip()
    if len(text) > DESCRIPTION_MAX:
        raise ActionError(f"An album's description can be at most {DESCRIPTION_MAX} characters.")
    return text


async def _own_album(session: AsyncSession, account: Account, value: str | int) -> Album:
    album = await store.get_album(session, _album_id(value))
    if album is None or album.account_id != account.id:
        raise NotFound(NO_ALBUM)
    return album


def _changed(services: Services, account: Account) -> None:
    # The album's collection is cached under the artist's name, like their other documents.
    services.cache.forget_account(account.username)


async def create_album(services: Services, account: Account, title: str, description: str = "") -> Album:
    """A new, empty album; at most MAX_ALBUMS per artist."""
    title, description = _title(title), _description(description)
    async with services.sessions() as session:
        if await store.count_albums(session, account.id) >= MAX_ALBUMS:
            raise ActionError(f"You have {MAX_ALBUMS} albums, the most an artist can have; delete one first.")
        album = Album(account_id=account.id, title=title, description=description)
        session.add(album)
        await session.commit()
        await session.refresh(album)
    _changed(services, account)
    return album


async def update_album(services: Services, account: Account, album_id: str | int, *, title: str | None = None,
                       description: str | None = None) -> Album:
    """Rename or describe one's album; None leaves a field as it is."""
    async with services.sessions() as session:
        album = await _own_album(session, account, album_id)
        if title is not None:
            album.title = _title(title)
        if description is not None:
            album.description = _description(description)
        album.updated_at = utcnow()
        session.add(album)
        await session.commit()
        await session.refresh(album)
    _changed(services, account)
    return album


async def delete_album(services: Services, account: Account, album_id: str | int) -> Album:
    """Delete one's album; its posts stay as they are."""
    async with services.sessions() as session:
        album = await _own_album(session, account, album_id)
        for item in (await session.exec(select(AlbumItem).where(AlbumItem.album_id == album.id))).all():
            await session.delete(item)
        await session.flush()  # the items go before the album they point at
        await session.delete(album)
        await session.commit()
    _changed(services, account)
    return album


async def _addable_post(session: AsyncSession, account: Account, value: str | int) -> Post:
    post_id = parse_id(value if isinstance(value, int) else str(value).strip())
    post = await session.get(Post, post_id) if post_id is not None else None
    if post is None or post.account_id != account.id or post.deleted_at is not None:
        raise NotFound(NO_POST)
    if post.visibility not in PUBLICLY_VISIBLE:
        raise ActionError("Only public or unlisted posts can go in an album: albums are public.")
    return post


async def add_to_album(services: Services, account: Account, album_id: str | int,
                       post_ids: Sequence[str | int]) -> int:
    """Add one's posts at the end of one's album, in the order given; returns how many were new."""
    if len(post_ids) > MAX_ITEMS:
        raise ActionError(f"An album can hold at most {MAX_ITEMS} works.")
    async with services.sessions() as session:
        album = await _own_album(session, account, album_id)
        posts = [await _addable_post(session, account, value) for value in post_ids]
        unique = {p.id: p for p in posts}.values()  # the same post named twice is added once
        new = [p for p in unique if await store.item_of(session, album.id, p.id) is None]
        if await store.count_items(session, album.id) + len(new) > MAX_ITEMS:
            raise ActionError(f"An album can hold at most {MAX_ITEMS} works.")
        position = await store.last_position(session, album.id)
        for post in new:
            position += 1
            session.add(AlbumItem(album_id=album.id, post_id=post.id, position=position))
        album.updated_at = utcnow()
        session.add(album)
        try:
            await session.commit()
        except IntegrityError:
            # Another request added one of these posts, or deleted the album, at the same moment.
            raise ActionError("The album changed meanwhile; reload it and try again.", 409) from None
    _changed(services, account)
    return len(new)


async def remove_from_album(services: Services, account: Account, album_id: str | int, post_id: str | int) -> None:
    """Take a post out of one's album (the post itself stays)."""
    async with services.sessions() as session:
        album = await _own_album(session, account, album_id)
        found = parse_id(post_id if isinstance(post_id, int) else str(post_id).strip())
        item = await store.item_of(session, album.id, found) if found is not None else None
        if item is None:
            raise NotFound("That post is not in this album.")
        await session.delete(item)
        album.updated_at = utcnow()
        session.add(album)
        await session.commit()
    _changed(services, account)


async def move_in_album(services: Services, account: Account, album_id: str | int, post_id: str | int, *,
                        direction: str | None = None, position: int | None = None) -> None:
    """Move a post one place up or down, or to `position` (1 is first), in one's album."""
    async with services.sessions() as session:
        album = await _own_album(session, account, album_id)
        items = await store.listed_items(session, album.id)
        found = parse_id(post_id if isinstance(post_id, int) else str(post_id).strip())
        index = next((i for i, item in enumerate(items) if item.post_id == found), None)
        if index is None:
            raise NotFound("That post is not in this album.")
        if direction is not None:
            if direction not in MOVES:
                raise ActionError("Move a work up or down.")
            target = index - 1 if direction == "up" else index + 1
        elif position is not None:
            target = position - 1
        else:
            raise ActionError("Say where the work goes.")
        target = max(0, min(len(items) - 1, target))  # past either end: it stays at that end
        if target != index:
            items.insert(target, items.pop(index))
            # Renumbered from 0: positions stay small however often works move.
            for number, item in enumerate(items):
                item.position = number
                session.add(item)
            album.updated_at = utcnow()
            session.add(album)
            await session.commit()
    _changed(services, account)


async def list_albums(services: Services, account: Account) -> list[AlbumSummary]:
    """The artist's albums, newest first, with counts and first works."""
    async with services.sessions() as session:
        return await store.albums_of(session, account.id)


async def own_album(services: Services, account: Account, album_id: str | int) -> Album:
    """One of the artist's albums; NotFound for anyone else's."""
    async with services.sessions() as session:
        return await _own_album(session, account, album_id)


async def find_album(services: Services, username: str, album_id: str | int) -> tuple[Account, Album]:
    """An artist's album as visitors and servers ask for it; NotFound when there is none."""
    async with services.sessions() as session:
        found = await store.public_album(session, username, _album_id(album_id))
    if found is None:
        raise NotFound("There is no such album here.")
    return found


async def album_page(services: Services, album: Album, page: int = 1, per_page: int = PAGE_SIZE) -> AlbumPage:
    """Page `page` (from 1) of the album's works, in the artist's order."""
    async with services.sessions() as session:
        # One more than a page: whether a later page exists, without a second query.
        works = await store.album_works(session, album.id, offset=(page - 1) * per_page, limit=per_page + 1)
        total = await store.count_items(session, album.id)
    return AlbumPage(works[:per_page], len(works) > per_page, total)


async def album_post_ids(services: Services, album: Album, *, offset: int = 0,
                         limit: int = 100) -> tuple[int, list[int]]:
    """How many posts the album lists, and the ids of `limit` of them from `offset` in its order (for
    its ActivityPub collection; limit 0 gives the count alone)."""
    async with services.sessions() as session:
        total = await store.count_items(session, album.id)
        ids = await store.album_post_ids(session, album.id, offset=offset, limit=limit) if limit else []
    return total, ids


async def addable_posts(services: Services, account: Account, limit: int = 60) -> list[Post]:
    """The artist's recent live public and unlisted posts, newest first: what the studio offers to add."""
    async with services.sessions() as session:
        rows = await session.exec(
            select(Post).where(Post.account_id == account.id, Post.deleted_at.is_(None),
                               Post.visibility.in_(PUBLICLY_VISIBLE)).order_by(Post.id.desc()).limit(limit))
        return list(rows.all())
