"""Sending follow-related activities: Accept/Reject of a remote Follow, our own Follow and its Undo,
and the Block that ends follows both ways (with its Undo).

Each function builds the activity (our @context, the artist's licence terms, plain-string actor
and object, which Pixelfed and Misskey need) and adds it with one delivery to the remote actor's
personal inbox to the caller's session; the caller commits, and the worker delivers.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any

import orjson
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.hosts import authority_of
from fediart.activitypub.vocab import CONTEXT
from fediart.licence.jsonld import object_terms
from fediart.outbox.enqueue import enqueue
from fediart.services import Services
from fediart.store.tables import Account, Delivery, Follower, Following, OutboxActivity, Actor


def _activity(services: Services, account: Account, kind: str, activity_id: str, obj: Any,
              to: str) -> dict[str, Any]:
    actor = services.urls.actor(account.username)
    activity = {"@context": CONTEXT, "id": activity_id, "type": kind, "actor": actor, "object": obj, "to": [to]}
    activity.update(object_terms(services.licence_for(account), actor))
    return activity


def embedded(activity: dict[str, Any], actor: str, obj: str) -> dict[str, Any]:
    """The original activity as an embedded object: without its @context, actor and object as strings.

    Pixelfed accepts an Accept only if object.object == Accept.actor, so both are forced to the
    plain IRIs even when the remote sent them as embedded objects.
    """
    inner = copy.deepcopy(activity)
    inner.pop("@context", None)
    inner["actor"], inner["object"] = actor, obj
    return inner


async def _enqueue_once(session: AsyncSession, account: Account, activity: dict[str, Any],
                        inbox: str) -> OutboxActivity:
    """Enqueue, or re-deliver an activity already sent under this id (OutboxActivity.uri is unique).

    The same id with a different object (a new Follow from the same follower, or a row id reused
    by SQLite) gets a suffix derived from the object, so one id always names one activity.
    """
    existing = (await session.exec(select(OutboxActivity).where(OutboxActivity.uri == activity["id"]))).first()
    if existing is None:
        return await enqueue(session, account, activity, [inbox])
    if orjson.loads(existing.body).get("object") != activity["object"]:
        digest = hashlib.sha256(orjson.dumps(activity["object"], option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]
        if activity["id"].endswith(digest):
            return existing  # cannot happen short of a hash collision; never loop
        activity["id"] = f"{activity['id']}-{digest}"
        return await _enqueue_once(session, account, activity, inbox)
    pending = await session.exec(select(Delivery.id).where(Delivery.activity_id == existing.id,
                                                           Delivery.inbox == inbox, Delivery.state == "pending"))
    if pending.first() is None:  # the remote lost it: deliver the same activity again
        session.add(Delivery(activity_id=existing.id, inbox=inbox, host=authority_of(inbox)))
    return existing


async def _follower_row_id(session: AsyncSession, account: Account, follower: Actor) -> str:
    row = (await session.exec(select(Follower.id).where(Follower.account_id == account.id,
                                                        Follower.actor_id == follower.id))).first()
    return str(row) if row is not None else uuid.uuid4().hex


async def _answer_follow(session: AsyncSession, services: Services, account: Account, kind: str,
                         follower_actor: Actor, follow_activity: dict[str, Any]) -> OutboxActivity:
    """Accept or Reject{Follow} to the follower's own inbox, embedding their Follow (Mastodon's id form)."""
    actor = services.urls.actor(account.username)
    row_id = await _follower_row_id(session, account, follower_actor)
    activity_id = f"{actor}#{kind.lower()}s/follows/{row_id}"
    activity = _activity(services, account, kind, activity_id,
                         embedded(follow_activity, follower_actor.uri, actor), follower_actor.uri)
    return await _enqueue_once(session, account, activity, follower_actor.inbox)


async def send_accept(session: AsyncSession, services: Services, account: Account, follower_actor: Actor,
                      follow_activity: dict[str, Any]) -> OutboxActivity:
    return await _answer_follow(session, services, account, "Accept", follower_actor, follow_activity)


async def send_reject(session: AsyncSession, services: Services, account: Account, follower_actor: Actor,
                      follow_activity: dict[str, Any]) -> OutboxActivity:
    """Reject{Follow}; call it before deleting the Follower row (its id names the row)."""
    return await _answer_follow(session, services, account, "Reject", follower_actor, follow_activity)


def follow_to_ap(services: Services, account: Account, remote_actor: Actor, follow_uri: str) -> dict[str, Any]:
    """Our Follow of a remote actor; `object` is the bare IRI, as Pixelfed requires."""
    return _activity(services, account, "Follow", follow_uri, remote_actor.uri, remote_actor.uri)


async def send_follow(session: AsyncSession, services: Services, account: Account,
                      remote_actor: Actor) -> Following:
    """A new pending Following row and its Follow activity (a uuid id: row ids can be reused)."""
    follow_uri = f"{services.urls.actor(account.username)}#follows/{uuid.uuid4().hex}"
    following = Following(account_id=account.id, actor_id=remote_actor.id, follow_uri=follow_uri)
    session.add(following)
    await enqueue(session, account, follow_to_ap(services, account, remote_actor, follow_uri), [remote_actor.inbox])
    return following


async def resend_follow(session: AsyncSession, services: Services, account: Account, remote_actor: Actor,
                        following: Following) -> OutboxActivity:
    """The same Follow again, for a request the remote seems to have lost."""
    activity = follow_to_ap(services, account, remote_actor, following.follow_uri)
    return await _enqueue_once(session, account, activity, remote_actor.inbox)


async def send_undo_follow(session: AsyncSession, services: Services, account: Account, remote_actor: Actor,
                           following: Following) -> OutboxActivity:
    """Undo{Follow} embedding our Follow as it was sent; the caller deletes the Following row."""
    sent = (await session.exec(select(OutboxActivity).where(OutboxActivity.uri == following.follow_uri))).first()
    follow = orjson.loads(sent.body) if sent is not None else \
        follow_to_ap(services, account, remote_actor, following.follow_uri)
    actor = services.urls.actor(account.username)
    activity = _activity(services, account, "Undo", f"{following.follow_uri}/undo",
                         embedded(follow, actor, remote_actor.uri), remote_actor.uri)
    return await _enqueue_once(session, account, activity, remote_actor.inbox)


async def send_block(session: AsyncSession, services: Services, account: Account, remote_actor: Actor) -> str:
    """Block{actor} to the blocked actor's inbox (Mastodon drops the follows on receipt); returns its id."""
    block_uri = f"{services.urls.actor(account.username)}#blocks/{uuid.uuid4().hex}"
    activity = _activity(services, account, "Block", block_uri, remote_actor.uri, remote_actor.uri)
    await enqueue(session, account, activity, [remote_actor.inbox])
    return block_uri


async def send_undo_block(session: AsyncSession, services: Services, account: Account, remote_actor: Actor,
                          block_uri: str) -> OutboxActivity:
    """Undo{Block} embedding the Block as sent (or rebuilt from its id)."""
    sent = (await session.exec(select(OutboxActivity).where(OutboxActivity.uri == block_uri))).first()
    block = orjson.loads(sent.body) if sent is not None else \
        _activity(services, account, "Block", block_uri, remote_actor.uri, remote_actor.uri)
    actor = services.urls.actor(account.username)
    activity = _activity(services, account, "Undo", f"{block_uri}/undo", embedded(block, actor, remote_actor.uri),
                         remote_actor.uri)
    return await _enqueue_once(session, account, activity, remote_actor.inbox)
