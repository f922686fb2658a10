"""The part of a Status entity every viewer sees alike (content, media, mentions, tags, licence, who wrote
it), built from rows in batches when the document cache does not hold it, and kept there.

Each part is kept under (STATUS, kind, id) and names its author (a local artist's username, a remote
actor's URI), the actors it mentions and itself (status_name), so it is forgotten when any of them
changes: the artist's documents (forget_account: edits, deletions, pins, profile and licence changes),
a remote actor stored again, a remote post updated or deleted (forget of its status_name). Counts, the
viewer's flags, reply parents and the author's Account entity are added per request
(api/status_entities.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.actions.originals import original_url
from fediart.activitypub.convert import post_licence
from fediart.api.account_entities import acct_of, licence_to_api
from fediart.api.formats import API_VISIBILITY, api_time
from fediart.api.media_entities import media_to_api, remote_attachment_to_api
from fediart.licence.remote_signals import raw_of
from fediart.store.states import StatusKind
from fediart.store.status_refs import status_name
from fediart.store.tables import Account, Actor, Media, Post, RemotePost

STATUS = "status"  # document-cache key: (STATUS, kind, id)


@dataclass(frozen=True, slots=True)
class OwnStatus:
    """A status's viewer-independent fields, split where the per-request ones go in between (so the
    assembled entity keeps the order of its keys), and what the per-request part needs to know."""

    head: dict[str, Any]  # id … media_attachments
    licence: Any
    ai_generated: bool
    tail: dict[str, Any]  # reblog … poll
    actor_id: int  # the author's actor: their Account entity is added per request
    account_id: int | None  # the local author's account (None for a remote post)
    uri: str  # what replies name as their parent
    in_reply_to: str | None
    pinned: bool
    own_media: list[dict[str, Any]] | None  # media entities with the original's address, for the artist only


def _ids(name: str) -> Any:
    return bindparam(name, expanding=True)


_BY_ID = {table: select(table).where(table.id.in_(_ids("ids"))) for table in (Post, RemotePost, Account)}
_AUTHORS = (select(Actor, Account).outerjoin(Account, Account.id == Actor.account_id)
            .where(or_(Actor.id.in_(_ids("actor_ids")), Actor.account_id.in_(_ids("account_ids")))))
_MENTIONED = select(Actor).where(Actor.uri.in_(_ids("uris")))
_MEDIA = select(Media).where(Media.post_id.in_(_ids("ids"))).order_by(Media.position)


async def rows_by_id(session: AsyncSession, table: Any, ids: Iterable[int]) -> list[Any]:
    ids = list(set(ids))
    return list((await session.exec(_BY_ID[table], params={"ids": ids})).all()) if ids else []


@dataclass
class _Rows:
    """What a batch of statuses' own parts need, loaded with one query per kind of row."""

    actors: dict[int, Actor] = field(default_factory=dict)
    by_account: dict[int, Actor] = field(default_factory=dict)  # local authors' actors
    account_rows: dict[int, Account] = field(default_factory=dict)
    media: dict[int, list[Media]] = field(default_factory=dict)
    mention_actors: dict[str, Actor] = field(default_factory=dict)
    licences: dict[tuple[int, str | None], dict[str, Any]] = field(default_factory=dict)

    def licence_entity(self, services: Any, account: Account, key: str | None) -> dict[str, Any]:
        """A post's licence entity, worked out once per (artist, licence key) in a batch."""
        found = self.licences.get((account.id, key))
        if found is None:
            found = self.licences[(account.id, key)] = licence_to_api(post_licence(services.licence_for(account), key))
        return found


async def own_statuses(services: Any, session: AsyncSession, posts: list[Post], remotes: list[RemotePost]
                       ) -> dict[tuple[StatusKind, int], OwnStatus]:
    """The own parts of these posts and remote posts, built and kept in the document cache."""
    rows = await _load(services, session, posts, remotes)
    found = {}
    for item in [*posts, *remotes]:
        kind = StatusKind.POST if isinstance(item, Post) else StatusKind.REMOTE
        own, names = _local(services, item, rows) if kind == StatusKind.POST else _remote(services, item, rows)
        found[(kind, item.id)] = services.cache.remember((STATUS, kind, item.id), own,
                                                         (*names, status_name(kind, item.id)))
    return found


async def _load(services: Any, session: AsyncSession, posts: list[Post], remotes: list[RemotePost]) -> _Rows:
    rows = _Rows()
    account_ids = {p.account_id for p in posts}
    actor_ids = {r.actor_id for r in remotes}
    if account_ids or actor_ids:
        found = await session.exec(_AUTHORS, params={"actor_ids": list(actor_ids), "account_ids": list(account_ids)})
        for actor, account in found.all():
            rows.actors[actor.id] = actor
            if account is not None:
                rows.account_rows[account.id] = account
                rows.by_account[account.id] = actor
    mention_uris = {t["href"] for p in posts for t in p.tags if t.get("type") == "Mention" and t.get("href")}
    mention_uris |= {uri for r in remotes for uri in r.mentions if isinstance(uri, str)}
    if mention_uris:
        for actor in (await session.exec(_MENTIONED, params={"uris": list(mention_uris)})).all():
            rows.mention_actors[actor.uri] = actor
    missing_local = account_ids - set(rows.by_account)
    if missing_local:  # an artist made before their actor row: make it now
        from fediart.store.actors import local_actor

        for account in await rows_by_id(session, Account, missing_local):
            rows.account_rows[account.id] = account
            actor = await local_actor(session, services.urls, account)
            rows.actors[actor.id] = rows.by_account[account.id] = actor
        await session.commit()
    if posts:
        for media in (await session.exec(_MEDIA, params={"ids": [p.id for p in posts]})).all():
            rows.media.setdefault(media.post_id, []).append(media)
    return rows


def _mention_to_api(actor: Actor) -> dict[str, Any]:
    username = actor.username or actor.uri.rstrip("/").rsplit("/", 1)[-1]
    return {"id": str(actor.id), "username": username,
            "acct": username if actor.local else acct_of(username, actor.uri), "url": actor.url or actor.uri}


def _tail(mention_uris: list[str], tags: list[str], rows: _Rows, urls: Any) -> dict[str, Any]:
    return {
        "reblog": None,
        "application": None,
        "mentions": [_mention_to_api(rows.mention_actors[u]) for u in mention_uris if u in rows.mention_actors],
        "tags": [{"name": t, "url": urls.tag(t)} for t in tags],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def _local(services: Any, item: Post, rows: _Rows) -> tuple[OwnStatus, tuple[str, ...]]:
    urls = services.urls
    account_row = rows.account_rows[item.account_id]
    mention_uris = [t["href"] for t in item.tags if t.get("type") == "Mention" and t.get("href")]
    tags = [t["name"].lstrip("#") for t in item.tags if t.get("type") == "Hashtag" and t.get("name")]
    media = rows.media.get(item.id, [])
    head = {
        "id": str(item.id),
        "uri": urls.status(account_row.username, item.id),
        "url": urls.status_page(account_row.username, item.id),
        "created_at": api_time(item.published),
        "edited_at": api_time(item.updated),
        "content": item.content,
        "text": None,
        "spoiler_text": item.summary or "",
        "visibility": API_VISIBILITY.get(item.visibility, "public"),
        "sensitive": bool(item.sensitive or item.summary),
        "language": item.language or services.config.server.default_language,
        "media_attachments": [media_to_api(m, urls) for m in media],
    }
    # fediart: only the artist learns where the full-resolution originals are.
    own_media = [{**entity, "fediart_original_url": original_url(services, m)}
                 for entity, m in zip(head["media_attachments"], media)]
    own = OwnStatus(head, rows.licence_entity(services, account_row, item.licence_key),
                    any(m["ai_generated"] for m in head["media_attachments"]), _tail(mention_uris, tags, rows, urls),
                    rows.by_account[item.account_id].id, item.account_id, head["uri"], item.in_reply_to,
                    item.pinned_at is not None, own_media)
    return own, (account_row.username, *mention_uris)


def _remote(services: Any, item: RemotePost, rows: _Rows) -> tuple[OwnStatus, tuple[str, ...]]:
    actor = rows.actors[item.actor_id]
    mention_uris = [u for u in item.mentions if isinstance(u, str)]
    head = {
        "id": str(item.id),
        "uri": item.uri,
        # An over-long id is stored as urn:sha256:…, which is no URL for a client to open.
        "url": item.url or (item.uri if item.uri.startswith(("https://", "http://")) else None),
        "created_at": api_time(item.published or _fallback_time(item.id)),
        "edited_at": api_time(item.updated),
        "content": item.content,
        "text": None,
        "spoiler_text": item.summary or "",
        "visibility": API_VISIBILITY.get(item.visibility, "public"),
        "sensitive": bool(item.sensitive or item.summary),
        "language": item.language,
        "media_attachments": [remote_attachment_to_api(item.id, i, a) for i, a in enumerate(item.attachments[:16])
                              if isinstance(a, dict) and a.get("url")],
    }
    own = OwnStatus(head, raw_of(item.licence),  # the terms as the author sent them
                    any(m["ai_generated"] for m in head["media_attachments"]),
                    _tail(mention_uris, [str(t) for t in item.tags], rows, services.urls), actor.id, None,
                    item.uri, item.in_reply_to, False, None)
    return own, (actor.uri, *mention_uris)


def _fallback_time(snowflake: int) -> datetime:
    return datetime.fromtimestamp((snowflake >> 16) / 1000, UTC)
