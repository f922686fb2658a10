"""Statuses by their client-API id: one id space for local posts, remote posts and boosts, seen through
the viewer's eyes (store/visibility.py); what the viewer may not see does not exist (NotFound).

Also the threads around a status (its ancestors and descendants), from the posts fediart holds.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import NotFound
from fediart.store.states import InteractionKind
from fediart.store.tables import Account, Actor, Interaction, Post, RemotePost
from fediart.store.visibility import can_see, visible_posts, visible_remote_posts
from fediart.urls import Urls
from fediart.store.ids import parse_id

Status = Post | RemotePost | Interaction
MAX_THREAD = 60  # statuses walked up or down a thread; deeper ones are left out, as Mastodon caps it


def status_id(value: str | int) -> int:
    """A status id as clients send it (a decimal string); NotFound for anything else."""
    found = parse_id(str(value).strip())
    if found is None:
        raise NotFound()
    return found


async def find_status(session: AsyncSession, viewer: Actor | None, value: str | int) -> Status:
    """The Post, RemotePost or boost Interaction with this id, if `viewer` may see it; else NotFound."""
    key = status_id(value)
    post = await session.get(Post, key)
    if post is not None and await can_see(session, viewer, post):
        return post
    remote = await session.get(RemotePost, key)
    if remote is not None and await can_see(session, viewer, remote):
        return remote
    boost = await session.get(Interaction, key)
    if boost is not None and boost.kind == InteractionKind.BOOST:
        inner = await boosted(session, boost)
        if inner is not None and await can_see(session, viewer, inner):
            return boost
    raise NotFound()


async def boosted(session: AsyncSession, boost: Interaction) -> Post | RemotePost | None:
    """The post a boost (or a like) is about."""
    if boost.post_id is not None:
        return await session.get(Post, boost.post_id)
    return await session.get(RemotePost, boost.remote_post_id) if boost.remote_post_id else None


async def original(session: AsyncSession, status: Status) -> Post | RemotePost:
    """The post itself: a boost stands for the post it boosts (favouriting a boost favourites the post)."""
    if isinstance(status, Interaction):
        inner = await boosted(session, status)
        if inner is None:
            raise NotFound()
        return inner
    return status


async def uri_of(session: AsyncSession, urls: Urls, post: Post | RemotePost) -> str:
    """The ActivityPub id of a post, local or remote."""
    if isinstance(post, RemotePost):
        return post.uri
    author = await session.get(Account, post.account_id)
    return urls.status(author.username, post.id)


async def _by_uri(session: AsyncSession, urls: Urls, uri: str) -> Post | RemotePost | None:
    prefix = urls.base + "/users/"
    if uri.startswith(prefix) and "/statuses/" in uri:
        username, _, tail = uri[len(prefix):].partition("/statuses/")
        if (post_id := parse_id(tail)) is not None:
            found = (await session.exec(select(Post).join(Account, Account.id == Post.account_id).where(
                Post.id == post_id, Account.username == username))).first()
            if found is not None:
                return found
    return (await session.exec(select(RemotePost).where(RemotePost.uri == uri))).first()


async def ancestors(session: AsyncSession, urls: Urls, viewer: Actor | None,
                    post: Post | RemotePost) -> list[Post | RemotePost]:
    """The posts this one replies to, oldest first, as far up as fediart holds them and the viewer may see."""
    found: list[Post | RemotePost] = []
    seen = {await uri_of(session, urls, post)}
    parent_uri = post.in_reply_to
    while parent_uri and parent_uri not in seen and len(found) < MAX_THREAD:
        seen.add(parent_uri)
        parent = await _by_uri(session, urls, parent_uri)
        if parent is None or not await can_see(session, viewer, parent):
            break
        found.append(parent)
        parent_uri = parent.in_reply_to
    return list(reversed(found))


async def descendants(session: AsyncSession, urls: Urls, viewer: Actor | None,
                      post: Post | RemotePost) -> list[Post | RemotePost]:
    """Replies to this post and to its replies, depth first in the order they were written."""
    found: list[Post | RemotePost] = []
    seen: set[str] = set()

    async def walk(uri: str) -> None:
        if uri in seen or len(found) >= MAX_THREAD:
            return
        seen.add(uri)
        replies: list[Post | RemotePost] = list((await session.exec(select(Post).where(
            Post.in_reply_to == uri, visible_posts(viewer)))).all())
        replies += list((await session.exec(select(RemotePost).where(
            RemotePost.in_reply_to == uri, visible_remote_posts(viewer)))).all())
        for reply in sorted(replies, key=lambda r: r.id):
            if len(found) >= MAX_THREAD:
                return
            found.append(reply)
            await walk(await uri_of(session, urls, reply))

    await walk(await uri_of(session, urls, post))
    return found
