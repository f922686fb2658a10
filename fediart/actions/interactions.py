"""An artist favourites, boosts or bookmarks a post (local or remote), takes it back, and lists them.

Likes and boosts are Interaction rows with the artist's actor row, the same rows remote likes make,
so counts and the `favourited`/`reblogged` flags read one table. Each is done once: doing it again
returns what is there. The Like or Announce (and its Undo) is stored and delivered in the same
transaction: a Like to the author's server, an Announce to the booster's followers and the author;
nothing goes over HTTP to this instance's own artists, who get a notification instead.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import orjson
from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.errors import ActionError
from fediart.activitypub.fetch import FetchError
from fediart.activitypub.lookup import LookupRefused, object_by_url
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.vocab import PUBLIC
from fediart.inbox.local import local_post
from fediart.inbox.notes import NoteRefused, store_fetched_note
from fediart.outbox.audience import follower_inboxes, inbox_of
from fediart.outbox.enqueue import enqueue
from fediart.outbox.interactions import announce_activity, id_prefix, like_activity, undo_activity
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.ids import parse_id
from fediart.store.pages import Page
from fediart.store.states import InteractionKind, NotificationKind, Visibility
from fediart.store.statuses import find_status, original, uri_of
from fediart.store.tables import (
    Account,
    Actor,
    Bookmark,
    Interaction,
    Notification,
    OutboxActivity,
    Post,
    RemotePost,
)
from fediart.store.visibility import can_see
from fediart.streaming.hub import Event, publish_on_commit

# Mastodon lets only public and unlisted posts be boosted: the others are not for sharing.
BOOSTABLE = (Visibility.PUBLIC, Visibility.UNLISTED)
_SEGMENT = {InteractionKind.LIKE: "likes", InteractionKind.BOOST: "announces"}
_NOTICE = {InteractionKind.LIKE: NotificationKind.LIKE, InteractionKind.BOOST: NotificationKind.BOOST}


@dataclass(frozen=True)
class Listed:
    """A page of a list: the items and the cursor id of each (for the Link header)."""

    items: list
    cursors: list[int]


def _target(post: Post | RemotePost) -> dict:
    return {"post_id": post.id} if isinstance(post, Post) else {"remote_post_id": post.id}


async def _mine(session: AsyncSession, kind: InteractionKind, post: Post | RemotePost, me: Actor) -> Interaction | None:
    column = Interaction.post_id if isinstance(post, Post) else Interaction.remote_post_id
    return (await session.exec(select(Interaction).where(
        Interaction.kind == kind, column == post.id, Interaction.actor_id == me.id))).first()


async def _author(session: AsyncSession, post: Post | RemotePost) -> Actor | None:
    """The remote author to deliver to, or None for a post by one of our artists."""
    return await session.get(Actor, post.actor_id) if isinstance(post, RemotePost) else None


async def _inboxes(session: AsyncSession, account: Account, kind: InteractionKind, author: Actor | None) -> set[str]:
    inboxes = {inbox_of(author)} if author is not None and not author.gone else set()
    if kind == InteractionKind.BOOST:
        inboxes |= await follower_inboxes(session, account.id)  # remote followers only
    return inboxes


async def _visible(session: AsyncSession, services: Services, me: Actor, value: str | int) -> Post | RemotePost:
    return await original(session, await find_status(session, me, value))


async def interact(services: Services, account: Account, kind: InteractionKind,
                   value: str | int) -> tuple[Post | RemotePost, Interaction, bool]:
    """Like or boost the post with this status id (a boost's id stands for its post); idempotent.

    Returns the post, the Interaction, and whether it is new (False: it was done before)."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        post = await _visible(session, services, me, value)
        if kind == InteractionKind.BOOST and post.visibility not in BOOSTABLE:
            raise ActionError("Validation failed: only public and unlisted posts can be boosted")
        existing = await _mine(session, kind, post, me)
        if existing is not None:
            await session.commit()
            return post, existing, False
        object_uri = await uri_of(session, services.urls, post)
        author = await _author(session, post)
        activity_id = f"{id_prefix(me.uri, _SEGMENT[kind], object_uri)}/{secrets.token_hex(6)}"
        if kind == InteractionKind.LIKE:
            activity = like_activity(services, account, object_uri, activity_id)
        else:
            author_uri = author.uri if author is not None else services.urls.actor(
                (await session.get(Account, post.account_id)).username)
            activity = announce_activity(services, account, object_uri, author_uri, activity_id)
        row = Interaction(kind=kind, activity_uri=activity_id, actor_id=me.id, **_target(post))
        session.add(row)
        if isinstance(post, Post):
            services.cache.forget_post_page(post.id, after=session)  # the page counts them
        # Stored even with no inbox to deliver to: the Undo embeds the activity exactly as it was.
        await enqueue(session, account, activity, await _inboxes(session, account, kind, author))
        if isinstance(post, Post) and post.account_id != account.id:
            session.add(notice := Notification(account_id=post.account_id, kind=_NOTICE[kind], actor_id=me.id,
                                               post_id=post.id, activity_uri=activity_id))
            publish_on_commit(session, Event.notification(notice))
        try:
            await session.commit()
        except IntegrityError:
            # The same request twice at once: the other one did it.
            await session.rollback()
            existing = await _mine(session, kind, post, me)
            if existing is None:
                raise
            return post, existing, False
        await session.refresh(row)
    services.wake_worker()
    if kind == InteractionKind.BOOST:
        services.events.publish(Event.status(row))  # a boost is a status in its booster's followers' homes
    return post, row, True


async def take_back(services: Services, account: Account, kind: InteractionKind,
                    value: str | int) -> tuple[Post | RemotePost, bool]:
    """Undo a like or boost (of the post, or the boost's id itself); idempotent.

    Returns the post and whether there was anything to take back."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        status = await find_status(session, me, value)
        post = await original(session, status)
        existing = await _mine(session, kind, post, me)
        if existing is None:
            await session.commit()
            return post, False
        sent = (await session.exec(select(OutboxActivity).where(OutboxActivity.uri == existing.activity_uri))).first()
        author = await _author(session, post)
        if sent is not None:
            undo = undo_activity(services, account, orjson.loads(sent.body))
            await enqueue(session, account, undo, await _inboxes(session, account, kind, author))
        await session.exec(delete(Notification).where(Notification.activity_uri == existing.activity_uri,
                                                      Notification.actor_id == me.id))
        await session.delete(existing)
        if isinstance(post, Post):
            services.cache.forget_post_page(post.id, after=session)
        await session.commit()
    services.wake_worker()
    if kind == InteractionKind.BOOST:
        services.events.publish(Event.deleted(existing))  # the boost's own status id leaves timelines
    return post, True


async def bookmark(services: Services, account: Account, value: str | int) -> Post | RemotePost:
    """Save a post for later (private; never federated); idempotent."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        post = await _visible(session, services, me, value)
        column = Bookmark.post_id if isinstance(post, Post) else Bookmark.remote_post_id
        found = (await session.exec(select(Bookmark).where(Bookmark.account_id == account.id,
                                                           column == post.id))).first()
        if found is None:
            session.add(Bookmark(account_id=account.id, **_target(post)))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()  # the same bookmark made at once by another request
    return post


async def unbookmark(services: Services, account: Account, value: str | int) -> Post | RemotePost:
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        post = await _visible(session, services, me, value)
        column = Bookmark.post_id if isinstance(post, Post) else Bookmark.remote_post_id
        await session.exec(delete(Bookmark).where(Bookmark.account_id == account.id, column == post.id))
        await session.commit()
    return post


async def interacted_by(services: Services, viewer: Account | None, kind: InteractionKind, value: str | int,
                        page: Page) -> Listed:
    """The actors who liked (or boosted) a post the viewer may see, newest first, paged by Interaction id."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, viewer) if viewer is not None else None
        post = await original(session, await find_status(session, me, value))
        column = Interaction.post_id if isinstance(post, Post) else Interaction.remote_post_id
        rows = (await session.exec(
            select(Interaction, Actor).join(Actor, Actor.id == Interaction.actor_id)
            .where(Interaction.kind == kind, column == post.id, *page.conditions(Interaction.id))
            .order_by(page.order(Interaction.id)).limit(page.limit))).all()
        await session.commit()  # local_actor may have made the viewer's row
    rows = page.arrange(list(rows))
    return Listed([actor for _, actor in rows], [interaction.id for interaction, _ in rows])


async def _still_visible(session: AsyncSession, me: Actor, posts: dict, remotes: dict,
                         pairs: list[tuple[int, int | None, int | None]]) -> Listed:
    items, cursors = [], []
    for cursor, post_id, remote_id in pairs:
        post = posts.get(post_id) if post_id is not None else remotes.get(remote_id)
        if post is not None and await can_see(session, me, post):
            items.append(post)
            cursors.append(cursor)
    return Listed(items, cursors)


async def _posts(session: AsyncSession, pairs: list[tuple[int, int | None, int | None]]) -> tuple[dict, dict]:
    post_ids = [p for _, p, _ in pairs if p is not None]
    remote_ids = [r for _, _, r in pairs if r is not None]
    posts = {p.id: p for p in (await session.exec(select(Post).where(Post.id.in_(post_ids)))).all()} \
        if post_ids else {}
    remotes = {r.id: r for r in (await session.exec(select(RemotePost).where(RemotePost.id.in_(remote_ids)))).all()} \
        if remote_ids else {}
    return posts, remotes


async def bookmarks(services: Services, account: Account, page: Page) -> Listed:
    """The account's bookmarked posts it may still see, newest bookmark first, paged by Bookmark id."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        rows = (await session.exec(
            select(Bookmark.id, Bookmark.post_id, Bookmark.remote_post_id)
            .where(Bookmark.account_id == account.id, *page.conditions(Bookmark.id))
            .order_by(page.order(Bookmark.id)).limit(page.limit))).all()
        pairs = page.arrange([tuple(r) for r in rows])
        posts, remotes = await _posts(session, pairs)
        found = await _still_visible(session, me, posts, remotes, pairs)
        await session.commit()
    return found


async def favourites(services: Services, account: Account, page: Page) -> Listed:
    """The posts the account liked and may still see, newest like first, paged by Interaction id."""
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, account)
        rows = (await session.exec(
            select(Interaction.id, Interaction.post_id, Interaction.remote_post_id)
            .where(Interaction.kind == InteractionKind.LIKE, Interaction.actor_id == me.id,
                   *page.conditions(Interaction.id))
            .order_by(page.order(Interaction.id)).limit(page.limit))).all()
        pairs = page.arrange([tuple(r) for r in rows])
        posts, remotes = await _posts(session, pairs)
        found = await _still_visible(session, me, posts, remotes, pairs)
        await session.commit()
    return found



async def _local_by_page(session: AsyncSession, services: Services, url: str) -> Post | None:
    """One of our posts named by its web page, https://host/@user/<id>."""
    prefix = services.urls.base + "/@"
    username, _, tail = url[len(prefix):].partition("/") if url.startswith(prefix) else ("", "", "")
    post_id = parse_id(tail)
    if post_id is None:
        return None
    return await local_post(session, services, services.urls.status(username, post_id))


async def status_of_url(services: Services, url: str) -> int:
    """The status id of a post named by URL (its id or web page, ours or another server's).

    A remote post fediart does not hold yet is fetched and stored, so it can be liked and boosted like
    any other; ActionError when it cannot be had.
    """
    async with services.sessions() as session:
        local = await local_post(session, services, url)
        if local is None:
            local = await _local_by_page(session, services, url)
        if local is not None:
            return local.id
        known = (await session.exec(select(RemotePost.id).where(
            (RemotePost.uri == url) | (RemotePost.url == url)))).first()
        if known is not None:
            return known
    try:
        note = await object_by_url(services.http, url, services.instance_signer, services.config)
        post = await store_fetched_note(services, note, why=f"the post at {url}", page_url=url)
    except (FetchError, LookupRefused, ActorError, NoteRefused) as exc:
        raise ActionError(str(exc)) from None
    return post.id
