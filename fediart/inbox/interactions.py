"""Likes and boosts arriving: recorded as Interaction rows (so an Undo can remove them) with a
notification to the artist. Only our own live posts count; we keep no timeline of others' posts.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import select

from fediart.inbox.local import follower_row, id_of, local_post, lock_account, notify
from fediart.services import Services
from fediart.store.tables import InboxItem, Interaction, Post

log = logging.getLogger("fediart.inbox")

# Mastodon accepts boosts of public and unlisted posts only; the others are not for sharing.
BOOSTABLE = {"public", "unlisted"}


async def on_like(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    await _interaction(services, activity, item, "like")


async def on_announce(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    # Only the object's id is read: an Announce of our post needs nothing from an embedded copy,
    # and an Announce of anyone else's post is not ours to store.
    await _interaction(services, activity, item, "boost")


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
        session.add(Interaction(kind=kind, activity_uri=item.activity_uri, post_id=post.id,
                                actor_id=remote.id))
        notify(session, post.account_id, kind, remote, item.activity_uri, post_id=post.id)
        await session.commit()


async def _may_interact(session, post: Post, actor_id: int, kind: str) -> bool:
    if post.visibility in BOOSTABLE:
        return True
    if kind == "boost":
        return False
    if post.visibility == "followers":
        follower = await follower_row(session, post.account_id, actor_id)
        return follower is not None and follower.state == "accepted"
    # Direct posts: their addressees are not recorded in a form checked here, so a like counts.
    return True
