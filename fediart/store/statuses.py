"""Statuses by their client-API id: one id space for local posts, remote posts and boosts, seen through
the viewer's eyes (store/visibility.py); what the viewer may not see does not exist (NotFound).

Also the threads around a status (its ancestors and descendants), from the posts fediart holds.

Restrictions, as Mastodon applies them: a post by an actor the viewer blocked, or by an artist here who
blocked the viewer, does not exist for the viewer anywhere; a muted actor's posts are left out of threads
(and timelines) but still open when asked for by id.
"""

from __future__ import annotations

from sqlalchemy import and_, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import NotFound
from fediart.store.states import InteractionKind, Restriction
from fediart.store.tables import Account, Actor, ActorRestriction, Interaction, Post, RemotePost
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


BLOCKS = (Restriction.BLOCK,)
BLOCKS_AND_MUTES = (Restriction.BLOCK, Restriction.MUTE)


async def restricted(session: AsyncSession, viewer: Actor | None, status: Status,
                     kinds: tuple[Restriction, ...] = BLOCKS) -> bool:
    """Whether the viewer blocked (or, with MUTE in `kinds`, muted) the author of this status (a
    boost: its booster or the boosted post's author), or a local author blocked the viewer."""
    if viewer is None or viewer.account_id is None:
        return False
    posts = [status]
    actor_ids: set[int] = set()
    if isinstance(status, Interaction):
        actor_ids.add(status.actor_id)
        inner = await boosted(session, status)
        posts = [inner] if inner is not None else []
    local_accounts = {p.account_id for p in posts if isinstance(p, Post)}
    actor_ids |= {p.actor_id for p in posts if isinstance(p, RemotePost)}
    if local_accounts:
        actor_ids |= set((await session.exec(select(Actor.id).where(Actor.account_id.in_(local_accounts)))).all())
    booster = (await session.get(Actor, status.actor_id)) if isinstance(status, Interaction) else None
    if booster is not None and booster.account_id is not None:
        local_accounts.add(booster.account_id)
    found = await session.exec(select(ActorRestriction.id).where(or_(
        and_(ActorRestriction.account_id == viewer.account_id, ActorRestriction.actor_id.in_(actor_ids),
             ActorRestriction.kind.in_(kinds)),
        and_(ActorRestriction.account_id.in_(local_accounts), ActorRestriction.actor_id == viewer.id,
             ActorRestriction.kind == Restriction.BLOCK),
    )).limit(1))
    return found.first() is not None


async def find_status(session: AsyncSession, viewer: Actor | None, value: str | int) -> Status:
    """The Post, RemotePost or boost Interaction with this id, if `viewer` may see it; else NotFound.

    A block either way hides it too; a mute does not (a muted post opened by its link still opens)."""
    key = status_id(value)
    found: Status | None = None
    post = await session.get(Post, key)
    if post is not None and await can_see(session, viewer, post):
        found = post
    remote = await session.get(RemotePost, key) if found is None else None
    if remote is not None and await can_see(session, viewer, remote):
        found = remote
    boost = await session.get(Interaction, key) if found is None else None
    if boost is not None and boost.kind == InteractionKind.BOOST:
        inner = await boosted(session, boost)
        if inner is not None and await can_see(session, viewer, inner):
            found = boost
    if found is None or await restricted(session, viewer, found):
        raise NotFound()
    return found


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
    while parent_uri and parent_uri not in seen and len(seen) <= MAX_THREAD:
        seen.add(parent_uri)
        parent = await _by_uri(session, urls, parent_uri)
        if parent is None or not await can_see(session, viewer, parent):
            break
        # A blocked or muted author's post is left out; the thread above it is still shown.
        if not await restricted(session, viewer, parent, BLOCKS_AND_MUTES):
            found.append(parent)
        parent_uri = parent.in_reply_to
    return list(reversed(found))


async def descendants(session: AsyncSession, urls: Urls, viewer: Actor | None,
                      post: Post | RemotePost) -> list[Post | RemotePost]:
    """Replies to this post and to its replies, depth first in the order they were written."""
    found: list[Post | RemotePost] = []
    seen: set[str] = set()

    async def walk(uri: str) -> None:
        if uri in seen or len(found) >= MAX_THREAD or len(seen) > 2 * MAX_THREAD:
            return
        seen.add(uri)
        replies: list[Post | RemotePost] = list((await session.exec(select(Post).where(
            Post.in_reply_to == uri, visible_posts(viewer)))).all())
        replies += list((await session.exec(select(RemotePost).where(
            RemotePost.in_reply_to == uri, visible_remote_posts(viewer)))).all())
        for reply in sorted(replies, key=lambda r: r.id):
            if len(found) >= MAX_THREAD:
                return
            # As Mastodon: a blocked or muted author's reply is left out, the replies to it are not.
            if not await restricted(session, viewer, reply, BLOCKS_AND_MUTES):
                found.append(reply)
            await walk(await uri_of(session, urls, reply))

    await walk(await uri_of(session, urls, post))
    return found
