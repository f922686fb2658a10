"""Deletes arriving: an actor deleting itself, or a note it wrote. Only the author may delete, from
its own server; what was deleted is tombstoned so a late Create of it is ignored.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import delete, select, update

from fediart.activitypub.hosts import same_origin
from fediart.inbox.local import actor_row, id_of, local_post_id
from fediart.services import Services
from fediart.store.fit import stored_uri
from fediart.store.states import InteractionKind, StatusKind
from fediart.store.status_refs import status_name
from fediart.store.tables import (Follower, Following, InboxItem, Interaction, Actor, RemotePost, Tombstone,
                                  utcnow)

log = logging.getLogger("fediart.inbox")


async def on_delete(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    target = id_of(activity.get("object"))  # an IRI, or an embedded Tombstone/Note: only its id counts
    if target is None:
        log.info("ignored Delete %s: no object id", item.activity_uri)
    elif target == item.actor_uri:
        await _actor_deleted(services, item.actor_uri)
    elif not same_origin(target, item.actor_uri):
        log.warning("ignored Delete %s: %s may not delete %s on another server", item.activity_uri,
                    item.actor_uri, target)
    else:
        await _note_deleted(services, stored_uri(target), item)  # the key its Create stored it under


async def _note_deleted(services: Services, uri: str, item: InboxItem) -> None:
    async with services.sessions() as session:
        post = (await session.exec(select(RemotePost).where(RemotePost.uri == uri))).first()
        if post is not None:
            author = await session.get(Actor, post.actor_id)
            if author is None or author.uri != item.actor_uri:
                # Same server, different actor: hosts match, actors don't (nextcloud/social #2225).
                log.warning("ignored Delete %s: %s is not the author of %s", item.activity_uri, item.actor_uri, uri)
                return
            if post.deleted_at is None:
                _erase(post)
                session.add(post)
                replied = local_post_id(services, post.in_reply_to)
                if replied is not None:
                    services.cache.forget_post_page(replied, after=session)  # the reply leaves its page
                # Boosts of it go too: a timeline would show an empty wrapper.
                await session.exec(delete(Interaction).where(Interaction.remote_post_id == post.id,
                                                             Interaction.kind == InteractionKind.BOOST))
        # Tombstoned even when we never saw the note: its Create may still be on its way.
        if await session.get(Tombstone, uri) is None:
            session.add(Tombstone(uri=uri))
        await session.commit()
    if post is not None:
        services.cache.forget(status_name(StatusKind.REMOTE, post.id))  # no cached Status entity outlives it


def _erase(post: RemotePost) -> None:
    # The author withdrew the words: keep the row (notifications point at it), not the text.
    post.deleted_at = utcnow()
    post.content, post.summary = "", ""


async def _actor_deleted(services: Services, uri: str) -> None:
    """The account is gone: it follows no one here, its likes and boosts go, its notes are erased."""
    await services.remote_actors.forget(uri)  # marks the row gone and tombstones the actor
    async with services.sessions() as session:
        actor = await actor_row(session, uri)
        if actor is None:
            return
        # The pages of our posts it liked, boosted or replied to change with it.
        liked = await session.exec(select(Interaction.post_id).where(Interaction.actor_id == actor.id,
                                                                     Interaction.post_id.is_not(None)))
        replies = await session.exec(select(RemotePost.in_reply_to).where(RemotePost.actor_id == actor.id,
                                                                          RemotePost.deleted_at.is_(None)))
        for post_id in {*liked.all(), *(local_post_id(services, url) for url in replies.all())} - {None}:
            services.cache.forget_post_page(post_id, after=session)
        await session.exec(delete(Follower).where(Follower.actor_id == actor.id))
        await session.exec(delete(Following).where(Following.actor_id == actor.id))
        await session.exec(delete(Interaction).where(Interaction.actor_id == actor.id))
        await session.exec(update(RemotePost).where(RemotePost.actor_id == actor.id, RemotePost.deleted_at.is_(None))
                           .values(deleted_at=utcnow(), content="", summary=""))
        await session.commit()
    services.cache.forget(uri)  # the cached entities of its notes and its account name it
    log.info("remote actor %s deleted itself; removed its follows and interactions", uri)
