"""Remote actors: fetched with a signed GET, checked, cached in the database, refreshed on demand.

Keys are found through one path (`_actor_for_key`), used for first contact, forced refresh and
rotation alike: the key URL names an owner, the owner is fetched from its own server, and the key is
used only if that actor lists it as its own. Actors are remembered by key id in each process for a
minute; when an actor is gone or its key changes, every process forgets it (coherence.py).
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from fediart.activitypub.fetch import FetchError, fetch_document, fetch_json
from fediart.activitypub.hosts import host_of, same_origin
from fediart.activitypub.key_backoff import KeyBackoff
from fediart.activitypub.keys import listed_keys, usable_public_key
from fediart.coherence import Message, announce
from fediart.licence.remote_signals import actor_record
from fediart.store.fit import fit_url
from fediart.store.tables import Actor, Tombstone, utcnow
from fediart.text import sanitize_html

log = logging.getLogger("fediart.remote")

ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}
STALE_AFTER = timedelta(days=1)
REFRESH_INTERVAL_SECONDS = 60.0  # at most one forced key refresh per host per minute
KEY_MEMORY_SECONDS = 60.0  # actors remembered by key id in the process, sparing the inbox a query
MAX_LINK_DEPTH = 4  # how deep `url`/`icon` values are followed ({"url": [{"href": …}]})


class ActorError(Exception):
    """A document that does not describe a usable actor. Messages are ours, never remote text."""


def _text(value: Any, limit: int) -> str:
    # PostgreSQL refuses NUL in text; both databases get the same cleaned, cut value.
    return str(value).replace("\x00", "")[:limit] if isinstance(value, (str, int, float)) else ""


def _url(value: Any) -> str | None:
    """A URL fit to store (http(s) with a host, no NUL, within the column); anything else is dropped."""
    url = fit_url(value)
    return url if url and host_of(url) else None


def _first_url(value: Any, depth: int = 0) -> str | None:
    if depth > MAX_LINK_DEPTH:
        return None
    if isinstance(value, str):
        return _url(value)
    if isinstance(value, dict):
        return _first_url(value.get("href") or value.get("url"), depth + 1)
    if isinstance(value, list) and value:
        return _first_url(value[0], depth + 1)
    return None


def actor_key(doc: dict[str, Any], uri: str, key_id: str | None = None,
              known: dict[str, str] | None = None) -> dict[str, str]:
    """The key the actor lists as its own: the one named `key_id`, or its first. `known` is a key
    read from a separate key document, used when the actor lists that key by id alone."""
    keys = [k for k in listed_keys(doc) if k["owner"] == uri and same_origin(k["id"], uri) and _url(k["id"])]
    if key_id is not None:
        keys = [k for k in keys if k["id"] == key_id]
        if not keys and known and known["id"] == key_id and key_id in _key_references(doc):
            keys = [known]
    if not keys:
        raise ActorError("actor does not list that key as its own" if key_id else "actor has no public key it owns")
    if usable_public_key(keys[0]["pem"]) is None:
        raise ActorError("actor's public key does not load")
    return keys[0]


def _key_references(doc: dict[str, Any]) -> set[str]:
    value = doc.get("publicKey")
    entries = value if isinstance(value, list) else [value]
    return {e if isinstance(e, str) else e.get("id") for e in entries if isinstance(e, (str, dict))}


def actor_fields_from_ap(doc: dict[str, Any], *, key_id: str | None = None,
                         known: dict[str, str] | None = None) -> dict[str, Any]:
    """The fields fediart keeps of an actor document; ActorError if it is not a valid actor."""
    uri = _url(doc.get("id"))
    kind = doc.get("type")
    if uri is None or not isinstance(kind, str) or kind not in ACTOR_TYPES:
        raise ActorError("not an actor")
    if len(host_of(uri)) > 255:
        raise ActorError("actor's host name is too long")
    inbox = _url(doc.get("inbox"))
    if inbox is None or not same_origin(inbox, uri):
        raise ActorError("actor has no inbox on its own server")
    key = actor_key(doc, uri, key_id, known)
    endpoints = doc.get("endpoints") if isinstance(doc.get("endpoints"), dict) else {}
    shared = _url(endpoints.get("sharedInbox"))

    return {
        "uri": uri,
        "domain": host_of(uri),
        "actor_type": kind,
        "username": _text(doc.get("preferredUsername"), 255),
        "display_name": _text(doc.get("name"), 500),
        "summary": sanitize_html(_text(doc.get("summary"), 100_000)).replace("\x00", ""),
        "url": _first_url(doc.get("url")),
        "icon_url": _first_url(doc.get("icon")),
        "inbox": inbox,
        "shared_inbox": shared if shared and same_origin(shared, uri) else None,
        "followers_url": _url(doc.get("followers")),
        "key_id": key["id"],
        "public_key_pem": key["pem"],
        "moved_to": _url(doc.get("movedTo")),
        "gone": False,
        "licence": actor_record(doc),  # the actor's licence signals, inherited by its posts
    }


def owner_named(doc: dict[str, Any], key_id: str, final_url: str) -> str:
    """Who a fetched key URL says owns `key_id`, in any shape peers serve: the key document itself
    (its id is the key, `owner` at top level), or a document listing the key (Mastodon's actor,
    GoToSocial's actor stub, Fedify's key lists). The answer is only a pointer, never stored."""
    if doc.get("id") == key_id == final_url and isinstance(doc.get("owner"), str):
        return doc["owner"]
    for key in listed_keys(doc):
        if key["id"] == key_id:
            return key["owner"]
    raise ActorError("key document does not name that key")


async def store_actor(session, fields: dict[str, Any]) -> Actor:
    """Insert or refresh an actor row; safe when two requests store the same new actor at once."""
    try:
        return await _upsert_actor(session, fields)
    except IntegrityError:
        # Another request inserted it between our read and our write: update that row instead.
        await session.rollback()
        return await _upsert_actor(session, fields)


async def _upsert_actor(session, fields: dict[str, Any]) -> Actor:
    actor = (await session.exec(select(Actor).where(Actor.uri == fields["uri"]))).first()
    if actor is None:
        actor = Actor(**fields)
    else:
        for key, value in fields.items():
            setattr(actor, key, value)
    actor.fetched_at = utcnow()
    session.add(actor)
    await session.commit()
    await session.refresh(actor)
    return actor


class RemoteActors:
    """Finds actors by URI or key id: the database first, the network when needed."""

    def __init__(self, services) -> None:
        self.services = services
        self.backoff = KeyBackoff()
        self._last_refresh: dict[str, float] = {}
        self._by_key: dict[str, tuple[float, Actor]] = {}

    async def by_uri(self, uri: str, *, refresh: bool = False) -> Actor:
        async with self.services.sessions() as session:
            actor = (await session.exec(select(Actor).where(Actor.uri == uri))).first()
        if actor is not None and actor.local:
            return actor  # one of our artists: the row is kept current by store/actors.py
        if actor is not None and not refresh and not actor.gone and utcnow() - actor.fetched_at < STALE_AFTER:
            return actor
        try:
            doc = await self._fetch(uri)
            return await self._store(actor_fields_from_ap(doc))
        except (FetchError, ActorError):
            if actor is not None and not refresh:
                return actor  # a stale copy beats none while its server is down
            raise

    async def known(self, uri: str) -> Actor | None:
        async with self.services.sessions() as session:
            return (await session.exec(select(Actor).where(Actor.uri == uri))).first()

    async def forget(self, uri: str) -> None:
        """An actor deleted on its server: mark it gone and remember the tombstone."""
        self.drop(uri)
        async with self.services.sessions() as session:
            actor = (await session.exec(select(Actor).where(Actor.uri == uri))).first()
            if actor is not None:
                actor.gone = True
                session.add(actor)
            if (await session.get(Tombstone, uri)) is None:
                session.add(Tombstone(uri=uri))
            await session.commit()
        announce(self.services.sessions, Message.remote_actor(uri))  # other processes stop trusting its key too

    def drop(self, uri: str) -> None:
        """Forget, in this process only, what is remembered of an actor."""
        self._by_key = {k: v for k, v in self._by_key.items() if v[1].uri != uri}

    def drop_all(self) -> None:
        self._by_key.clear()

    async def is_gone(self, uri: str) -> bool:
        """Whether the actor's own server answers 404 or 410 for it, asked by us, now."""
        if self.backoff.refusal(uri):
            return False
        try:
            await self._fetch(uri)
        except FetchError as exc:
            self.backoff.failed(uri, missing=exc.gone)
            return exc.gone
        return False

    async def by_key_id(self, key_id: str, *, refresh: bool = False) -> Actor:
        """The actor owning a key; with refresh, re-fetch it (rate-limited per host) for rotation."""
        if not refresh:
            remembered = self._by_key.get(key_id)
            if remembered is not None and time.monotonic() - remembered[0] < KEY_MEMORY_SECONDS:
                return remembered[1]
            async with self.services.sessions() as session:
                actor = (await session.exec(select(Actor).where(Actor.key_id == key_id))).first()
            if actor is not None and not actor.gone:
                self._by_key[key_id] = (time.monotonic(), actor)
                return actor
        else:
            host = host_of(key_id)
            now = time.monotonic()
            if now - self._last_refresh.get(host, 0.0) < REFRESH_INTERVAL_SECONDS:
                raise ActorError("that server's keys were refreshed less than a minute ago")
            self._last_refresh[host] = now
        return await self._actor_for_key(key_id)

    async def _actor_for_key(self, key_id: str) -> Actor:
        refusal = self.backoff.refusal(key_id)
        if refusal:
            raise ActorError(refusal)
        try:
            actor = await self._resolve_key(key_id)
        except FetchError as exc:
            self.backoff.failed(key_id, missing=exc.status is None or exc.gone)
            raise
        except ActorError:
            # Not "missing": once the server fixes its document, the next request may try again.
            self.backoff.failed(key_id, missing=False)
            raise
        self.backoff.succeeded(key_id)
        return actor

    async def _resolve_key(self, key_id: str) -> Actor:
        doc, final_url = await fetch_json(self.services.http, key_id.split("#", 1)[0],
                                          self.services.instance_signer, self.services.config)
        owner = owner_named(doc, key_id, final_url)
        if not same_origin(owner, key_id):
            raise ActorError("key owner is not on the key's server")
        if doc.get("id") == owner == final_url:
            actor_doc = doc  # the key is inside the actor document itself ("#main-key")
        else:
            actor_doc = await self._fetch(owner)  # an actor, fetched from its own URL
        known = None
        if doc.get("id") == key_id == final_url and isinstance(doc.get("publicKeyPem"), str):
            known = {"id": key_id, "owner": owner, "pem": doc["publicKeyPem"]}
        return await self._store(actor_fields_from_ap(actor_doc, key_id=key_id, known=known))

    async def _fetch(self, uri: str) -> dict[str, Any]:
        return await fetch_document(self.services.http, uri, self.services.instance_signer, self.services.config)

    async def _store(self, fields: dict[str, Any]) -> Actor:
        from fediart.policy.media import without_rejected_media  # reject_media: no avatar kept
        fields = await without_rejected_media(self.services.policy, fields.get("uri", ""), fields)
        async with self.services.sessions() as session:
            before = (await session.exec(select(Actor.key_id, Actor.public_key_pem, Actor.gone)
                                         .where(Actor.uri == fields["uri"]))).first()
            actor = await store_actor(session, fields)
        # A fresh fetch (first contact, rotation, Update) replaces whatever was remembered, and the
        # client API's cached entities of the actor and its notes (they carry its name and avatar).
        self.drop(actor.uri)
        self.services.cache.forget(actor.uri)
        self._by_key[actor.key_id] = (time.monotonic(), actor)
        if before is not None and tuple(before) != (actor.key_id, actor.public_key_pem, actor.gone):
            announce(self.services.sessions, Message.remote_actor(actor.uri))  # a rotated key, everywhere
        return actor
