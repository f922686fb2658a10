"""Likes and boosts arriving: recorded as Interaction rows (so an Undo can remove them). A like or boost
of one of our posts notifies the artist; a boost by someone an artist follows, of anyone's post, is kept
for the home timeline, with the boosted note fetched from its own server if we don't have it.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select

from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.hosts import same_origin
from fediart.inbox.local import follower_row, hosts_allowed, id_of, ids_of, local_post, lock_account, notify
from fediart.inbox.notes import NoteRefused, followed_by_an_artist, known_note, store_fetched_note
from fediart.services import Services
from fediart.store.fit import stored_uri
from fediart.store.states import InteractionKind, Visibility
from fediart.store.tables import InboxItem, Interaction, Post, RemotePost
from fediart.streaming.hub import Event

log = logging.getLogger("fediart.inbox")

# Mastodon accepts boosts of public and unlisted posts only; the others are not for sharing.
BOOSTABLE = {Visibility.PUBLIC, Visibility.UNLISTED}


async def on_like(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    await _interaction(services, activity, item, InteractionKind.LIKE)


async def on_announce(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    # Only the object's id is read: an embedded copy is the booster's word, not the author's.
    target = id_of(activity.get("object"))
    async with services.sessions() as session:
        ours = await local_post(session, services, target)
    if ours is not None or target is None:
        await _interaction(services, activity, item, InteractionKind.BOOST)
    else:
        # The booster's embedded copy is not trusted for content, but an author it names on a refused
        # server is reason enough to drop the boost without fetching anything.
        obj = activity.get("object")
        claimed = ids_of(obj.get("attributedTo")) if isinstance(obj, dict) else []
        if not await hosts_allowed(services, target, *claimed, why=f"Announce {item.activity_uri}"):
            return
        await _remote_boost(services, target, item)


async def _interaction(services: Services, activity: dict[str, Any], item: InboxItem, kind: str) -> None:
    target = id_of(activity.get("object"))
    async with services.sessions() as session:
        post = await local_post(session, services, target)
    if post is None:
        log.info("ignored %s %s: %s is not a live post here", item.activity_type, item.activity_uri, target)
        return
    remote = await services.remote_actors.by_uri(item.actor_uri)
    if remote.gone:
        return
    async with services.sessions() as session:
        await lock_account(session, post.account_id)  # the same like twice at once must count once
        if not await _may_interact(session, post, remote.id, kind):
            log.info("ignored %s %s: %s post %s", item.activity_type, item.activity_uri, post.visibility, post.id)
            return
        same = select(Interaction.id).where(Interaction.kind == kind, Interaction.post_id == post.id,
                                            Interaction.actor_id == remote.id)
        if (await session.exec(same)).first() is not None:
            return  # one like (or boost) per actor and post, as Mastodon counts them
        session.add(row := Interaction(kind=kind, activity_uri=item.activity_uri, post_id=post.id,
                                       actor_id=remote.id))
        services.cache.forget_post_page(post.id, after=session)  # the page counts them
        notify(session, post.account_id, kind, remote, item.activity_uri, post_id=post.id)
        await session.commit()
    if kind == InteractionKind.BOOST:
        services.events.publish(Event.status(row))


async def _may_interact(session, post: Post, actor_id: int, kind: str) -> bool:
    if post.visibility in BOOSTABLE:
        return True
    if kind == InteractionKind.BOOST:
        return False
    if post.visibility == Visibility.FOLLOWERS:
        follower = await follower_row(session, post.account_id, actor_id)
        return follower is not None and follower.state == "accepted"
    # Direct posts: their addressees are not recorded in a form checked here, so a like counts.
    return True


async def _remote_boost(services: Services, target: str, item: InboxItem) -> None:
    """A followed actor boosted someone else's post: keep the boost (and the post) for home timelines."""
    why = f"Announce {item.activity_uri}"
    async with services.sessions() as session:
        if not await followed_by_an_artist(session, item.actor_uri):
            log.info("ignored %s: %s is not followed here and boosted no post of ours", why, item.actor_uri)
            return
        tombstoned, post = await known_note(session, stored_uri(target))
    if tombstoned or (post is not None and post.deleted_at is not None):
        log.info("ignored %s: %s was deleted", why, target)
        return
    if post is None:
        post = await _fetch_boosted(services, target, why)
        if post is None:
            return
    if post.visibility not in BOOSTABLE:
        log.info("ignored %s: %s is a %s post", why, target, post.visibility)
        return
    booster = await services.remote_actors.by_uri(item.actor_uri)
    if booster.gone:
        return
    async with services.sessions() as session:
        same = select(Interaction.id).where(Interaction.kind == InteractionKind.BOOST,
                                            Interaction.remote_post_id == post.id, Interaction.actor_id == booster.id)
        if (await session.exec(same)).first() is not None:
            return
        session.add(boost := Interaction(kind=InteractionKind.BOOST, activity_uri=item.activity_uri,
                                         remote_post_id=post.id, actor_id=booster.id))
        await session.commit()
    services.events.publish(Event.status(boost))


async def _fetch_boosted(services: Services, target: str, why: str) -> RemotePost | None:
    """The boosted note, fetched from its own server (never taken from the booster's copy) and stored."""
    if same_origin(target, services.urls.base):  # ours, and not a live post: nothing to fetch
        log.info("ignored %s: %s is not a live post here", why, target)
        return None
    if not await hosts_allowed(services, target, why=why):
        return None
    try:
        note = await fetch_document(services.http, target, services.instance_signer, services.config)
    except FetchError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            log.info("ignored %s: %s could not be fetched (%s)", why, target, exc)
            return None
        raise  # a server that is down now may answer later: the item is retried
    try:
        return await store_fetched_note(services, note, why=why)
    except NoteRefused as exc:
        log.info("ignored %s: %s", why, exc)
        return None
