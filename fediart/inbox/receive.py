"""The inbox pipeline: size limit → JSON → signature parse → domain policy → key → verify →
signer is the actor → store → 202. The signature steps are shared with authorized fetch
(activitypub/signed_requests.py). Each step can refuse with a status and a reason; nothing here
raises into a 500 for a remote server's mistake.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from fediart.activitypub.hosts import authority_of, host_of, same_origin
from fediart.activitypub.signed_requests import Refusal, RefusalKind, identify, screen
from fediart.ops import counters
from fediart.outbox.hosts import record_successes
from fediart.services import Services
from fediart.store.fit import URI_MAX, fit_text, fit_url, stored_uri
from fediart.store.states import InboxState
from fediart.store.tables import InboxItem, utcnow

log = logging.getLogger("fediart.inbox")


@dataclass(frozen=True)
class Outcome:
    status: int
    message: str


ACCEPTED = Outcome(202, "accepted")


NO_ACTOR = "activity has no usable actor (missing, not an http(s) URL, too long, or with NUL)"
MAX_REASON = 160  # refusals say why in a few words; they never echo documents we fetched


def actor_id(activity: dict[str, Any]) -> str | None:
    """The actor's URL, or None unless it is one fit to look up and store (no NUL, not too long)."""
    actor = activity.get("actor")
    if isinstance(actor, dict):
        actor = actor.get("id")
    return actor if fit_url(actor) and host_of(actor) else None


def activity_type(activity: dict[str, Any]) -> str | None:
    """The activity's type (the first, if it lists several), or None when it has no usable one."""
    kind = activity.get("type")
    if isinstance(kind, list):
        kind = kind[0] if kind else None
    return kind if isinstance(kind, str) and kind and "\x00" not in kind else None


def activity_uri(activity: dict[str, Any], body: bytes, actor: str) -> str:
    """The identity an activity is stored under, so a resend is recognised.

    Its `id` counts only when it is on the actor's own server: otherwise anyone could take, ahead of
    time, the id an honest actor will use, and that actor's activity would be dropped as a repeat.
    """
    uri = activity.get("id")
    if isinstance(uri, str) and uri and same_origin(uri, actor):
        return stored_uri(uri)  # an id too long or odd to store is kept as its hash, consistently
    return "urn:sha256:" + hashlib.sha256(body).hexdigest()


def _refuse(status: int, reason: str) -> Outcome:
    return Outcome(status, reason if len(reason) <= MAX_REASON else reason[: MAX_REASON - 1] + "…")


async def receive(services: Services, *, method: str, target: str, headers, body: bytes,
                  account_id: int | None) -> Outcome:
    """Check and store one POSTed activity; the returned outcome becomes the HTTP answer."""
    limit = services.config.federation.max_inbox_bytes
    if len(body) > limit:
        return Outcome(413, f"activity is {len(body)} bytes; the limit is {limit}")
    try:
        activity = orjson.loads(body)
    except orjson.JSONDecodeError:
        return Outcome(400, "body is not valid JSON")
    if not isinstance(activity, dict) or activity_type(activity) is None:
        return Outcome(400, "body is not an ActivityStreams activity")
    actor = actor_id(activity)
    if actor is None:
        return Outcome(400, NO_ACTOR)
    if same_origin(actor, services.urls.base):
        return Outcome(401, "activities from this server's own actors are not accepted from outside")
    parsed = await screen(services, method=method, target=target, headers=headers, body=body, claimed_actor=actor)
    if isinstance(parsed, Refusal):
        if parsed.kind == RefusalKind.BLOCKED:
            log.info("dropped %s from %s: %s", activity_type(activity), actor, parsed.reason)
            # 202, not 403: a blocked server must not learn it is blocked, or it retries forever.
            return ACCEPTED
        return Outcome(parsed.status, parsed.reason)

    if _is_self_delete(activity, actor) and await services.remote_actors.known(actor) is None:
        # An account we never met, deleting itself (Mastodon sends these to every server it knows):
        # nothing here to undo, so no key is fetched for it.
        return ACCEPTED
    signer = await identify(services, parsed)
    if isinstance(signer, Refusal):
        if signer.kind == RefusalKind.NO_KEY and _is_self_delete(activity, actor):
            return await _self_delete_unverified(services, actor, signer.reason)
        return Outcome(signer.status, signer.reason)
    if signer.uri != actor:
        return _refuse(401, f"signed by {signer.uri}, but the activity's actor is {actor}")
    return await store(services, activity, body, actor, account_id)


def _is_self_delete(activity: dict[str, Any], actor: str) -> bool:
    obj = activity.get("object")
    return activity.get("type") == "Delete" and (obj == actor or (isinstance(obj, dict) and obj.get("id") == actor))


async def _self_delete_unverified(services: Services, actor: str, reason: str) -> Outcome:
    """A Delete of an actor by itself, whose key is no longer to be had (the usual end of an account).

    Honoured only when fediart itself finds the actor gone on the actor's own server: a key id
    elsewhere that answers 404 proves nothing about the actor.
    """
    if await services.remote_actors.is_gone(actor):
        await services.remote_actors.forget(actor)
        return ACCEPTED
    return _refuse(401, reason)


_INSERT = insert(InboxItem.__table__)  # Core, built once: each call only binds its values


async def store(services: Services, activity: dict[str, Any], body: bytes, actor: str,
                account_id: int | None) -> Outcome:
    """Persist before promising: the row exists before the 202. A repeated id is a no-op."""
    uri = activity_uri(activity, body, actor)
    kind = activity_type(activity) or ""
    host = authority_of(actor)
    # A bare connection, not an ORM session: this is the hottest write there is, and the session's
    # bookkeeping cost more than the INSERT. So the row is fitted here, as the ORM hook would.
    now = utcnow()
    try:
        async with services.writes(), services.engine.begin() as conn:
            if await services.failing_hosts.contains(conn, host):
                await record_successes(conn, [host])  # a server that speaks is available again
            # Insert without looking first: the unique index finds repeats, one round trip fewer.
            await conn.execute(_INSERT, {
                "activity_uri": uri, "activity_type": kind[:64], "actor_uri": fit_text(actor, URI_MAX),
                "account_id": account_id, "body": body.decode("utf-8", "replace"), "state": InboxState.PENDING,
                "attempts": 0, "retry_at": now, "claimed_until": None, "last_error": "", "received_at": now})
    except IntegrityError:  # the transaction is rolled back: a repeat clears nothing either
        return Outcome(202, "already received")
    counters.inbox_accepted(kind)
    services.wake_worker()
    return ACCEPTED
