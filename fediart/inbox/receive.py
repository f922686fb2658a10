"""The inbox pipeline: size limit → JSON → signature parse → domain policy → key → verify →
signer is the actor → store → 202. Each step can refuse with a status and a reason; nothing here
raises into a 500 for a remote server's mistake.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError

from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import authority_of, host_of, same_origin
from fediart.activitypub.keys import load_public_key
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.signatures import SignatureError, key_id_host, parse_signature, verify_parsed
from fediart.outbox.hosts import record_success
from fediart.services import Services
from fediart.store.fit import stored_uri, uri_fits
from fediart.store.tables import InboxItem

log = logging.getLogger("fediart.inbox")


@dataclass(frozen=True)
class Outcome:
    status: int
    message: str


ACCEPTED = Outcome(202, "accepted")


def actor_id(activity: dict[str, Any]) -> str | None:
    actor = activity.get("actor")
    if isinstance(actor, dict):
        actor = actor.get("id")
    return actor if isinstance(actor, str) else None


def activity_uri(activity: dict[str, Any], body: bytes) -> str:
    # An activity without an id still gets a stable identity, so a resend is recognised.
    uri = activity.get("id")
    return stored_uri(uri) if isinstance(uri, str) and uri else "urn:sha256:" + hashlib.sha256(body).hexdigest()


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
    if not isinstance(activity, dict) or not isinstance(activity.get("type"), (str, list)) or not activity["type"]:
        return Outcome(400, "body is not an ActivityStreams activity")
    actor = actor_id(activity)
    if actor is None or not uri_fits(actor):
        return Outcome(400, "activity has no actor, or one too long or with NUL to be stored")
    if same_origin(actor, services.urls.base):
        return Outcome(401, "activities from this server's own actors are not accepted from outside")

    parsed = parse_signature(method, target, headers, body, scheme=services.config.server.scheme,
                             authority=headers.get("host"))
    if isinstance(parsed, SignatureError):
        return Outcome(401, f"signature: {parsed.reason}")

    # Policy before any network work: a blocked server's keys are never fetched.
    for host in (key_id_host(parsed.key_id), host_of(actor)):
        decision = await services.policy.check_host(host)
        if not decision.allowed:
            log.info("dropped %s from %s: %s", activity.get("type"), actor, decision.reason)
            # 202, not 403: a blocked server must not learn it is blocked, or it retries forever.
            return ACCEPTED

    signer = await _find_signer(services, parsed.key_id, activity, actor)
    if isinstance(signer, Outcome):
        return signer
    result = verify_parsed(parsed, load_public_key(signer.public_key_pem))
    if not result.ok:
        try:  # the key may have been rotated: fetch it once more, rate-limited per host
            signer = await services.remote_actors.by_key_id(parsed.key_id, refresh=True)
            result = verify_parsed(parsed, load_public_key(signer.public_key_pem))
        except (FetchError, ActorError, ValueError) as exc:
            log.info("key refresh for %s failed: %s", parsed.key_id, exc)
    if not result.ok:
        return Outcome(401, f"signature: {result.reason}")
    if signer.uri != actor:
        return Outcome(401, f"signed by {signer.uri}, but the activity's actor is {actor}")
    return await store(services, activity, body, actor, account_id)


async def _find_signer(services: Services, key_id: str, activity: dict[str, Any], actor: str):
    try:
        return await services.remote_actors.by_key_id(key_id)
    except FetchError as exc:
        if exc.gone and activity.get("type") == "Delete" and activity.get("object") in (actor, {"id": actor}):
            # An account deleting itself cannot be verified any more; nothing of ours is at stake.
            await services.remote_actors.forget(actor)
            return ACCEPTED
        return Outcome(401, f"could not fetch the signing key: {exc.reason}")
    except ActorError as exc:
        return Outcome(401, f"signing key: {exc}")
    except ValueError as exc:
        return Outcome(401, f"signing key is not usable: {exc}")


async def store(services: Services, activity: dict[str, Any], body: bytes, actor: str,
                account_id: int | None) -> Outcome:
    """Persist before promising: the row exists before the 202. A repeated id is a no-op."""
    uri = activity_uri(activity, body)
    kind = activity["type"] if isinstance(activity["type"], str) else str(activity["type"][0])
    host = authority_of(actor)
    async with services.sessions() as session:
        if await services.failing_hosts.contains(session, host):
            await record_success(session, host)  # a server that speaks is available again
        # Insert without looking first: the unique index finds repeats, one round trip fewer.
        session.add(InboxItem(activity_uri=uri, activity_type=kind[:64], actor_uri=actor,
                              account_id=account_id, body=body.decode("utf-8", "replace")))
        try:
            await session.commit()
        except IntegrityError:
            return Outcome(202, "already received")
    services.wake_worker()
    return ACCEPTED
