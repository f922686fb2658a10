"""An artist likes or boosts a remote post (and takes it back): Like, Announce and their Undo."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import orjson
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.convert import iso
from fediart.activitypub.lookup import object_by_url
from fediart.activitypub.refs import ids_of
from fediart.activitypub.vocab import CONTEXT, PUBLIC
from fediart.licence.jsonld import object_terms
from fediart.outbox.audience import follower_inboxes, inbox_of
from fediart.outbox.enqueue import enqueue
from fediart.services import Services
from fediart.store.tables import Account, OutboxActivity, Actor, utcnow

# kind → (activity type, id segment, past tense for messages)
_KINDS = {"like": ("Like", "likes", "liked"), "boost": ("Announce", "announces", "boosted")}


class InteractionError(Exception):
    """The post cannot be liked or boosted, worded for the person who asked."""


def _id_prefix(actor: str, segment: str, object_uri: str) -> str:
    # The object's hash in the id lets the Undo find the activity it takes back; a fresh suffix
    # per activity keeps ids unique when an artist likes, unlikes and likes again.
    return f"{actor}#{segment}/{hashlib.sha256(object_uri.encode()).hexdigest()[:20]}"


def like_activity(services: Services, account: Account, object_uri: str, activity_id: str) -> dict[str, Any]:
    actor = services.urls.actor(account.username)
    return {"@context": CONTEXT, "id": activity_id, "type": "Like", "actor": actor, "object": object_uri,
            **object_terms(services.licence_for(account), actor)}


def announce_activity(services: Services, account: Account, object_uri: str, author: str,
                      activity_id: str) -> dict[str, Any]:
    """A public boost, addressed as Mastodon addresses one (it shows `published` as the boost time)."""
    actor = services.urls.actor(account.username)
    return {"@context": CONTEXT, "id": activity_id, "type": "Announce", "actor": actor,
            "published": iso(utcnow()), "object": object_uri, "to": [PUBLIC],
            "cc": [author, services.urls.followers(account.username)],
            **object_terms(services.licence_for(account), actor)}


def undo_activity(services: Services, account: Account, original: dict[str, Any]) -> dict[str, Any]:
    """Undo{the original as it was sent}, addressed like it, so every receiver can match it."""
    actor = services.urls.actor(account.username)
    inner = {k: v for k, v in original.items() if k != "@context"}
    addressed = {key: original[key] for key in ("to", "cc") if key in original}
    return {"@context": CONTEXT, "id": original["id"] + "/undo", "type": "Undo", "actor": actor,
            **addressed, "object": inner, **object_terms(services.licence_for(account), actor)}


async def _standing(session: AsyncSession, account: Account, activity_type: str, prefix: str) -> OutboxActivity | None:
    """The artist's newest Like (or Announce) of the object, unless an Undo took it back."""
    newest = (await session.exec(
        select(OutboxActivity)
        .where(OutboxActivity.account_id == account.id, OutboxActivity.activity_type == activity_type,
               OutboxActivity.uri.startswith(prefix, autoescape=True))
        .order_by(OutboxActivity.id.desc()).limit(1))).first()
    if newest is None:
        return None
    undone = (await session.exec(select(OutboxActivity.id).where(OutboxActivity.uri == newest.uri + "/undo"))).first()
    return None if undone is not None else newest


async def _post_and_author(services: Services, url: str) -> tuple[str, Actor]:
    note = await object_by_url(services.http, url, services.instance_signer, services.config)
    authors = ids_of(note.get("attributedTo"))
    if not authors:
        raise InteractionError(f"{url} names no author")
    return note["id"], await services.remote_actors.by_uri(authors[0])


async def send_interaction(services: Services, account: Account, kind: str, url: str, undo: bool = False) -> str:
    """Like or boost the post at `url` (kind "like" or "boost"; its id or web page), or undo it.

    Returns the activity id. FetchError, LookupRefused or ActorError when the post or its author
    cannot be had; InteractionError when it is already done (or, for undo, was never done).
    """
    activity_type, segment, done = _KINDS[kind]
    object_uri, author = await _post_and_author(services, url)
    actor = services.urls.actor(account.username)
    prefix = _id_prefix(actor, segment, object_uri)
    async with services.sessions() as session:
        standing = await _standing(session, account, activity_type, prefix)
        if undo:
            if standing is None:
                raise InteractionError(f"@{account.username} has not {done} {object_uri}")
            activity = undo_activity(services, account, orjson.loads(standing.body))
        elif standing is not None:
            raise InteractionError(f"@{account.username} already {done} {object_uri}")
        elif kind == "like":
            activity = like_activity(services, account, object_uri, f"{prefix}/{secrets.token_hex(6)}")
        else:
            activity = announce_activity(services, account, object_uri, author.uri, f"{prefix}/{secrets.token_hex(6)}")
        inboxes = {inbox_of(author)}
        if kind == "boost":
            inboxes |= await follower_inboxes(session, account.id)
        await enqueue(session, account, activity, inboxes)
        await session.commit()
    services.wake_worker()
    return activity["id"]
