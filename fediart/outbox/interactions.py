"""An artist likes or boosts a remote post (and takes it back): Like, Announce and their Undo."""

from __future__ import annotations

import hashlib
from typing import Any

from fediart.activitypub.fetch import fetch_document
from fediart.activitypub.refs import ids_of
from fediart.activitypub.vocab import CONTEXT, PUBLIC
from fediart.licence.jsonld import object_terms
from fediart.outbox.audience import follower_inboxes, inbox_of
from fediart.outbox.enqueue import enqueue
from fediart.services import Services
from fediart.store.tables import Account, RemoteActor


class InteractionError(Exception):
    """The post cannot be liked or boosted, worded for the person who asked."""


def _stable_id(actor: str, kind: str, object_uri: str) -> str:
    # Derived from the object, so that the Undo can name the same activity without storing it.
    return f"{actor}#{kind}/{hashlib.sha256(object_uri.encode()).hexdigest()[:20]}"


async def _author_of(services: Services, object_uri: str) -> RemoteActor:
    note = await fetch_document(services.http, object_uri, services.instance_signer, services.config)
    authors = ids_of(note.get("attributedTo"))
    if not authors:
        raise InteractionError(f"{object_uri} names no author")
    return await services.remote_actors.by_uri(authors[0])


def like_activity(services: Services, account: Account, object_uri: str) -> dict[str, Any]:
    actor = services.urls.actor(account.username)
    return {"@context": CONTEXT, "id": _stable_id(actor, "likes", object_uri), "type": "Like",
            "actor": actor, "object": object_uri,
            **object_terms(services.licence_for(account), actor)}


def announce_activity(services: Services, account: Account, object_uri: str, author: str) -> dict[str, Any]:
    actor = services.urls.actor(account.username)
    return {"@context": CONTEXT, "id": _stable_id(actor, "announces", object_uri), "type": "Announce",
            "actor": actor, "object": object_uri, "to": [PUBLIC],
            "cc": [author, services.urls.followers(account.username)],
            **object_terms(services.licence_for(account), actor)}


def undo_activity(services: Services, account: Account, original: dict[str, Any]) -> dict[str, Any]:
    actor = services.urls.actor(account.username)
    inner = {k: v for k, v in original.items() if k != "@context"}
    return {"@context": CONTEXT, "id": original["id"] + "/undo", "type": "Undo", "actor": actor,
            "object": inner, **object_terms(services.licence_for(account), actor)}


async def send_interaction(services: Services, account: Account, kind: str, object_uri: str,
                           undo: bool = False) -> str:
    """Like or boost `object_uri` (kind "like" or "boost"), or undo it; returns the activity id."""
    author = await _author_of(services, object_uri)
    if kind == "like":
        activity = like_activity(services, account, object_uri)
    else:
        activity = announce_activity(services, account, object_uri, author.uri)
    if undo:
        activity = undo_activity(services, account, activity)
    async with services.sessions() as session:
        inboxes = {inbox_of(author)}
        if kind == "boost":
            inboxes |= await follower_inboxes(session, account.id)
        await enqueue(session, account, activity, inboxes)
        await session.commit()
    services.wake_worker()
    return activity["id"]
