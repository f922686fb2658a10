"""Undo arriving: a remote actor takes back its Follow, Like, Announce (of our post or, for home timelines,
of anyone's) or Block.

The undone activity may be embedded or only named by id. Either way the row it created must
belong to the Undo's actor: nobody can unfollow, unlike or unblock on someone else's behalf.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import delete, select

from fediart.inbox.local import actor_row, id_of, local_account, local_post, type_of
from fediart.services import Services
from fediart.store.fit import stored_uri
from fediart.store.tables import Actor, Follower, InboxItem, Interaction, Notification, RemoteBlock, RemotePost

log = logging.getLogger("fediart.inbox")

INTERACTION_KINDS = {"Like": "like", "Announce": "boost"}


async def on_undo(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    obj = activity.get("object")
    undone_id = id_of(obj)
    undone_id = stored_uri(undone_id) if undone_id else None  # as the undone activity was stored
    if isinstance(obj, dict) and id_of(obj.get("actor")) != item.actor_uri:
        log.warning("ignored Undo %s: it undoes an activity of %s, not of %s", item.activity_uri,
                    id_of(obj.get("actor")), item.actor_uri)
        return
    kind = type_of(obj)
    async with services.sessions() as session:
        actor = await actor_row(session, item.actor_uri)
        if actor is None:
            log.info("ignored Undo %s: %s has nothing here to undo", item.activity_uri, item.actor_uri)
            return
        undone = False
        if kind in (None, "Follow"):
            undone = await _undo_follow(session, services, obj, undone_id, actor)
        if not undone and kind in (None, *INTERACTION_KINDS):
            undone = await _undo_interaction(session, services, obj, undone_id, actor)
        if not undone and kind in (None, "Block"):
            undone = await _undo_block(session, services, obj, undone_id, actor)
        if not undone:
            log.info("ignored Undo %s: %s %s is not on record for %s", item.activity_uri, kind or "activity",
                     undone_id, item.actor_uri)
            return
        await session.commit()


def _other_actor(row_actor_id: int, actor: Actor, undone_id: str | None) -> bool:
    if row_actor_id != actor.id:
        log.warning("ignored Undo of %s by %s: the activity is someone else's", undone_id, actor.uri)
        return True
    return False


async def _undo_follow(session, services: Services, obj: Any, undone_id: str | None, actor: Actor) -> bool:
    follower = None
    if undone_id:
        follower = (await session.exec(select(Follower).where(Follower.follow_uri == undone_id))).first()
    if follower is None and isinstance(obj, dict):
        # The Follow we hold may carry a newer id (a repeated Follow): match the pair instead.
        account = await local_account(session, services, id_of(obj.get("object")))
        if account is not None:
            follower = (await session.exec(select(Follower).where(Follower.account_id == account.id,
                                                                  Follower.actor_id == actor.id))).first()
    if follower is None or _other_actor(follower.actor_id, actor, undone_id):
        return False
    if follower.state == "pending":  # a request that no longer exists needs no answer
        await session.exec(delete(Notification).where(Notification.account_id == follower.account_id,
                                                       Notification.actor_id == actor.id,
                                                       Notification.kind == "follow_request"))
    await session.exec(delete(Follower).where(Follower.account_id == follower.account_id,
                                              Follower.actor_id == actor.id))
    return True


async def _undo_interaction(session, services: Services, obj: Any, undone_id: str | None,
                            actor: Actor) -> bool:
    found = None
    if undone_id:
        found = (await session.exec(select(Interaction).where(Interaction.activity_uri == undone_id))).first()
    if found is None and isinstance(obj, dict) and type_of(obj) in INTERACTION_KINDS:
        target = id_of(obj.get("object"))
        post = await local_post(session, services, target)
        # A boost of someone else's post (kept for home timelines) is found by the note's stored key.
        remote = None if post is not None or target is None else (await session.exec(
            select(RemotePost).where(RemotePost.uri == stored_uri(target)))).first()
        column, row = (Interaction.post_id, post) if post is not None else (Interaction.remote_post_id, remote)
        if row is not None:
            found = (await session.exec(select(Interaction).where(
                Interaction.kind == INTERACTION_KINDS[type_of(obj)], column == row.id,
                Interaction.actor_id == actor.id))).first()
    if found is None or _other_actor(found.actor_id, actor, undone_id):
        return False
    # The notification goes with it, as Mastodon's does when a favourite is withdrawn.
    await session.exec(delete(Notification).where(Notification.activity_uri == found.activity_uri,
                                                   Notification.actor_id == actor.id))
    await session.delete(found)
    if found.post_id is not None:
        services.cache.forget_post_page(found.post_id, after=session)  # the page counts them
    return True


async def _undo_block(session, services: Services, obj: Any, undone_id: str | None, actor: Actor) -> bool:
    found = None
    if undone_id:
        found = (await session.exec(select(RemoteBlock).where(RemoteBlock.activity_uri == undone_id))).first()
    if found is None and isinstance(obj, dict):
        account = await local_account(session, services, id_of(obj.get("object")))
        if account is not None:
            found = (await session.exec(select(RemoteBlock).where(RemoteBlock.account_id == account.id,
                                                                  RemoteBlock.actor_id == actor.id))).first()
    if found is None or _other_actor(found.actor_id, actor, undone_id):
        return False
    await session.delete(found)
    return True
