"""Block and Move arriving: a remote actor blocking one of our artists, or announcing its move to
a new account. Neither is taken on trust beyond what the actor may say about itself.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import delete, select

from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.remote_actors import ActorError, actor_fields_from_ap, store_actor
from fediart.inbox.local import (actor_row, hosts_allowed, id_of, ids_of, local_account, lock_account,
                                  notify)
from fediart.services import Services
from fediart.store.tables import Follower, Following, InboxItem, RemoteBlock

log = logging.getLogger("fediart.inbox")


async def on_block(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """Recorded so we stop delivering to them; like Mastodon, the follows between the two end."""
    async with services.sessions() as session:
        account = await local_account(session, services, id_of(activity.get("object")))
    if account is None:
        log.info("ignored Block %s: %s is not an artist here", item.activity_uri, id_of(activity.get("object")))
        return
    remote = await services.remote_actors.by_uri(item.actor_uri)
    async with services.sessions() as session:
        await lock_account(session, account.id)
        existing = (await session.exec(select(RemoteBlock).where(RemoteBlock.account_id == account.id,
                                                                 RemoteBlock.actor_id == remote.id))).first()
        if existing is None:
            session.add(RemoteBlock(account_id=account.id, actor_id=remote.id, activity_uri=item.activity_uri))
        else:
            existing.activity_uri = item.activity_uri  # so the Undo of the newest Block finds it
            session.add(existing)
        await session.exec(delete(Follower).where(Follower.account_id == account.id, Follower.actor_id == remote.id))
        # Their server has dropped our follow of them; an Undo would only be refused there.
        await session.exec(delete(Following).where(Following.account_id == account.id,
                                                   Following.actor_id == remote.id))
        await session.commit()
    log.info("%s blocked %s", remote.uri, account.username)


async def on_move(services: Services, activity: dict[str, Any], item: InboxItem) -> None:
    """An account moved: check the new account claims the old one, record it, tell the artists it follows.

    Nobody is made to follow the new account; each artist decides (Mastodon moves followers
    automatically, but an artist's audience is theirs to keep or not).
    """
    old, target = id_of(activity.get("object")), id_of(activity.get("target"))
    if old != item.actor_uri or not target or target == old:
        log.info("ignored Move %s: an actor may only move itself, to another account", item.activity_uri)
        return
    if not await hosts_allowed(services, target, why=f"Move {item.activity_uri}"):
        return
    try:
        # Fetched fresh from its own server: the new account's alsoKnownAs is the proof, and an
        # embedded or cached copy could say anything.
        doc = await fetch_document(services.http, target, services.instance_signer, services.config)
        fields = actor_fields_from_ap(doc)
    except (FetchError, ActorError) as exc:
        log.info("ignored Move %s: target %s is not usable: %s", item.activity_uri, target, exc)
        return
    if old not in ids_of(doc.get("alsoKnownAs")):
        log.warning("ignored Move %s: %s does not list %s in alsoKnownAs", item.activity_uri, target, old)
        return
    async with services.sessions() as session:
        await store_actor(session, fields)
        services.cache.forget(fields["uri"])  # stored again: its cached Account entity is stale
        mover = await actor_row(session, old)
        if mover is None or mover.moved_to == target:
            return  # unknown to us (nothing to update), or this move was recorded already
        mover.moved_to = target
        session.add(mover)
        followed = await session.exec(select(Follower.account_id).where(Follower.actor_id == mover.id,
                                                                        Follower.state == "accepted"))
        for account_id in set(followed.all()):
            notify(session, account_id, "move", mover, item.activity_uri)
        await session.commit()
    log.info("%s moved to %s", old, target)
