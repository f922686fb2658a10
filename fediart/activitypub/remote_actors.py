"""Remote actors: fetched with a signed GET, checked, cached in the database, refreshed on demand."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.hosts import host_of, same_origin
from fediart.store.tables import RemoteActor, Tombstone, utcnow
from fediart.text import sanitize_html

log = logging.getLogger("fediart.remote")

ACTOR_TYPES = {"Person", "Service", "Application", "Group", "Organization"}
STALE_AFTER = timedelta(days=1)
REFRESH_INTERVAL_SECONDS = 60.0  # at most one forced key refresh per host per minute
KEY_MEMORY_SECONDS = 60.0  # actors remembered by key id in the process, sparing the inbox a query


class ActorError(Exception):
    """A document that does not describe a usable actor."""


def _first_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return _first_url(value.get("href") or value.get("url"))
    if isinstance(value, list) and value:
        return _first_url(value[0])
    return None


def actor_fields_from_ap(doc: dict[str, Any]) -> dict[str, Any]:
    """The fields fediart keeps of an actor document; ActorError if it is not a valid actor."""
    uri = doc.get("id")
    kind = doc.get("type")
    if not isinstance(uri, str) or kind not in ACTOR_TYPES:
        raise ActorError(f"not an actor: type {kind!r}")
    inbox = doc.get("inbox")
    if not isinstance(inbox, str) or not same_origin(inbox, uri):
        raise ActorError("actor has no inbox on its own server")
    key = doc.get("publicKey")
    if isinstance(key, list):
        key = next((k for k in key if isinstance(k, dict) and k.get("owner") == uri), None)
    if not isinstance(key, dict) or key.get("owner") != uri or not isinstance(key.get("publicKeyPem"), str):
        raise ActorError("actor has no public key that it owns")
    key_id = key.get("id")
    if not isinstance(key_id, str) or not same_origin(key_id, uri):
        raise ActorError("actor key id is not on the actor's server")
    endpoints = doc.get("endpoints") if isinstance(doc.get("endpoints"), dict) else {}
    shared = endpoints.get("sharedInbox")

    return {
        "uri": uri,
        "domain": host_of(uri),
        "actor_type": kind,
        "username": str(doc.get("preferredUsername") or "")[:255],
        "display_name": str(doc.get("name") or "")[:500],
        "summary": sanitize_html(str(doc.get("summary") or "")),
        "url": _first_url(doc.get("url")),
        "icon_url": _first_url(doc.get("icon")),
        "inbox": inbox,
        "shared_inbox": shared if isinstance(shared, str) and same_origin(shared, uri) else None,
        "followers_url": doc.get("followers") if isinstance(doc.get("followers"), str) else None,
        "key_id": key_id,
        "public_key_pem": key["publicKeyPem"],
        "moved_to": doc.get("movedTo") if isinstance(doc.get("movedTo"), str) else None,
        "gone": False,
    }


async def store_actor(session, fields: dict[str, Any]) -> RemoteActor:
    """Insert or refresh an actor row; safe when two requests store the same new actor at once."""
    try:
        return await _upsert_actor(session, fields)
    except IntegrityError:
        # Another request inserted it between our read and our write: update that row instead.
        await session.rollback()
        return await _upsert_actor(session, fields)


async def _upsert_actor(session, fields: dict[str, Any]) -> RemoteActor:
    actor = (await session.exec(select(RemoteActor).where(RemoteActor.uri == fields["uri"]))).first()
    if actor is None:
        actor = RemoteActor(**fields)
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
        self._last_refresh: dict[str, float] = {}
        self._by_key: dict[str, tuple[float, RemoteActor]] = {}

    async def by_uri(self, uri: str, *, refresh: bool = False) -> RemoteActor:
        async with self.services.sessions() as session:
            actor = (await session.exec(select(RemoteActor).where(RemoteActor.uri == uri))).first()
        if actor is not None and not refresh and not actor.gone and utcnow() - actor.fetched_at < STALE_AFTER:
            return actor
        try:
            return await self._fetch_and_store(uri)
        except (FetchError, ActorError):
            if actor is not None and not refresh:
                return actor  # a stale copy beats none while its server is down
            raise

    async def known(self, uri: str) -> RemoteActor | None:
        async with self.services.sessions() as session:
            return (await session.exec(select(RemoteActor).where(RemoteActor.uri == uri))).first()

    async def forget(self, uri: str) -> None:
        """An actor deleted on its server: mark it gone and remember the tombstone."""
        self._by_key = {k: v for k, v in self._by_key.items() if v[1].uri != uri}
        async with self.services.sessions() as session:
            actor = (await session.exec(select(RemoteActor).where(RemoteActor.uri == uri))).first()
            if actor is not None:
                actor.gone = True
                session.add(actor)
            if (await session.get(Tombstone, uri)) is None:
                session.add(Tombstone(uri=uri))
            await session.commit()

    async def by_key_id(self, key_id: str, *, refresh: bool = False) -> RemoteActor:
        """The actor owning a key; with refresh, re-fetch it (rate-limited per host) for rotation."""
        if not refresh:
            remembered = self._by_key.get(key_id)
            if remembered is not None and time.monotonic() - remembered[0] < KEY_MEMORY_SECONDS:
                return remembered[1]
            async with self.services.sessions() as session:
                actor = (await session.exec(select(RemoteActor).where(RemoteActor.key_id == key_id))).first()
            if actor is not None and not actor.gone:
                self._by_key[key_id] = (time.monotonic(), actor)
                return actor
        else:
            host = host_of(key_id)
            now = time.monotonic()
            if now - self._last_refresh.get(host, 0.0) < REFRESH_INTERVAL_SECONDS:
                raise ActorError(f"key for {host} was refreshed less than a minute ago")
            self._last_refresh[host] = now
        owner_uri = await self._owner_of_key(key_id)
        actor = await self._fetch_and_store(owner_uri)
        if actor.key_id != key_id:
            raise ActorError(f"actor {owner_uri} does not own key {key_id}")
        return actor

    async def _owner_of_key(self, key_id: str) -> str:
        base = key_id.split("#", 1)[0]
        if base != key_id:
            return base  # "#main-key" style: the document is the actor itself
        # A separate key document (GoToSocial's /main-key): its owner must point back to the key.
        doc = await fetch_document(self.services.http, key_id, self.services.instance_signer, self.services.config)
        owner = doc.get("owner")
        if not isinstance(owner, str) or not same_origin(owner, key_id):
            raise ActorError(f"key {key_id} names no owner on its own server")
        return owner

    async def _fetch_and_store(self, uri: str) -> RemoteActor:
        doc = await fetch_document(self.services.http, uri, self.services.instance_signer, self.services.config)
        fields = actor_fields_from_ap(doc)
        async with self.services.sessions() as session:
            actor = await store_actor(session, fields)
        # A fresh fetch (first contact, rotation, Update) replaces whatever was remembered.
        self._by_key = {k: v for k, v in self._by_key.items() if v[1].uri != actor.uri}
        self._by_key[actor.key_id] = (time.monotonic(), actor)
        return actor
