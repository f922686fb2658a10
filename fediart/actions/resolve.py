"""What a pasted URL names, for search with resolve=true: a known account or post, else the document
fetched from its server and stored (an actor, or a public post as a RemotePost clients can reply to,
like or boost).

Only public and unlisted posts are stored: the fetch is signed with the instance's key, so anything
more private it returns was not addressed to whoever searched.
"""

from __future__ import annotations

import httpx
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from fediart.actions.accounts import check_policy, find_actor, known_actor
from fediart.actions.errors import ActionError
from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import same_origin
from fediart.activitypub.lookup import LookupRefused, object_by_url
from fediart.activitypub.refs import id_of, ids_of, type_of
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.vocab import PUBLIC
from fediart.inbox.local import local_post, parse_time
from fediart.inbox.notes import fit_html
from fediart.services import Services
from fediart.store.fit import fit_text, fit_url, stored_uri
from fediart.store.states import Visibility
from fediart.store.tables import Account, Actor, Post, RemotePost, Tombstone, utcnow


NOTE_TYPES = {"Note", "Article", "Page", "Image", "Question"}


async def known_post(services: Services, url: str) -> Post | RemotePost | None:
    """A post fediart holds whose id or web address is `url`: ours, or a stored remote one."""
    async with services.sessions() as session:
        post = await local_post(session, services, url)
        if post is None and same_origin(url, services.urls.base):
            tail = httpx.URL(url).path.rstrip("/").rsplit("/", 1)[-1]
            if tail.isdigit() and "/@" in url:  # the post's page, /@user/<id>
                post = await session.get(Post, int(tail))
                author = await session.get(Account, post.account_id) if post is not None else None
                if post is None or post.deleted_at is not None or author is None \
                        or services.urls.status_page(author.username, post.id) != url.rstrip("/"):
                    post = None
        if post is not None:
            return post
        found = (await session.exec(select(RemotePost).where((RemotePost.uri == url) | (RemotePost.url == url),
                                                             RemotePost.deleted_at.is_(None)))).first()
        return found


async def resolve_url(services: Services, url: str) -> Actor | Post | RemotePost | None:
    """What a pasted URL names: a known account or post, else the remote document fetched and stored
    (an actor, or a public post); None if it names nothing usable."""
    actor = await known_actor(services, url)
    if actor is not None:
        return actor
    post = await known_post(services, url)
    if post is not None or same_origin(url, services.urls.base):
        return post
    await check_policy(services, url, url)
    try:
        doc = await object_by_url(services.http, url, services.instance_signer, services.config)
    except (FetchError, LookupRefused):
        return None
    if type_of(doc) in NOTE_TYPES:
        return await _store_remote_post(services, doc)
    try:
        return await find_actor(services, doc["id"], fetch=True)
    except ActionError:
        return None


def _visibility(doc: dict) -> Visibility | None:
    to, cc = ids_of(doc.get("to")), ids_of(doc.get("cc"))
    if PUBLIC in to or "as:Public" in to or "Public" in to:
        return Visibility.PUBLIC
    if PUBLIC in cc or "as:Public" in cc or "Public" in cc:
        return Visibility.UNLISTED
    return None  # fetched with the instance's key: only public posts are shown to whoever searched


def _attachments(doc: dict) -> list[dict]:
    items = doc.get("attachment")
    found = []
    for item in items if isinstance(items, list) else [items]:
        if not isinstance(item, dict):
            continue
        url = item.get("url")
        url = url.get("href") if isinstance(url, dict) else url[0] if isinstance(url, list) and url else url
        url = fit_url(url.get("href") if isinstance(url, dict) else url)
        if url is None:
            continue
        found.append({"url": url, "media_type": str(item.get("mediaType") or "")[:64],
                      "description": fit_text(str(item.get("name") or ""), 1500),
                      "blurhash": str(item.get("blurhash") or "")[:100] or None,
                      "width": item.get("width") if isinstance(item.get("width"), int) else None,
                      "height": item.get("height") if isinstance(item.get("height"), int) else None})
    return found[:16]


async def _store_remote_post(services: Services, doc: dict) -> RemotePost | None:
    """A fetched public post, kept as a RemotePost so clients can reply to it, like or boost it."""
    uri = doc.get("id")
    author = id_of(doc.get("attributedTo"))
    visibility = _visibility(doc)
    if not isinstance(uri, str) or not author or not same_origin(author, uri) or visibility is None:
        return None  # a post speaks only for an author on its own server
    try:
        actor = await services.remote_actors.by_uri(author)
    except (FetchError, ActorError):
        return None
    uri = stored_uri(uri)
    content = doc.get("content")
    if not isinstance(content, str):
        content_map = doc.get("contentMap") if isinstance(doc.get("contentMap"), dict) else {}
        content = next((v for v in content_map.values() if isinstance(v, str)), "")
    languages = list(doc["contentMap"]) if isinstance(doc.get("contentMap"), dict) else []
    tags = doc.get("tag") if isinstance(doc.get("tag"), list) else []
    url = doc.get("url")
    async with services.sessions() as session:
        if await session.get(Tombstone, uri) is not None:
            return None
        existing = (await session.exec(select(RemotePost).where(RemotePost.uri == uri))).first()
        if existing is not None:
            return existing
        post = RemotePost(
            uri=uri, actor_id=actor.id, url=fit_url(url if isinstance(url, str) else id_of(url)),
            content=fit_html(content, 100_000),
            summary=fit_html(doc["summary"], 1000) if isinstance(doc.get("summary"), str) else "",
            in_reply_to=fit_url(id_of(doc.get("inReplyTo"))), visibility=visibility,
            sensitive=doc.get("sensitive") is True, language=(languages[0][:35] if languages else None),
            attachments=_attachments(doc),
            tags=[str(t["name"]).lstrip("#")[:100] for t in tags if isinstance(t, dict) and t.get("type") == "Hashtag"
                  and isinstance(t.get("name"), str)][:50],
            mentions=[t["href"] for t in tags if isinstance(t, dict) and t.get("type") == "Mention"
                      and isinstance(t.get("href"), str)][:50],
            published=parse_time(doc.get("published")) or utcnow(), updated=parse_time(doc.get("updated")))
        session.add(post)
        try:
            await session.commit()
        except IntegrityError:  # stored meanwhile by the inbox or another search
            await session.rollback()
            return (await session.exec(select(RemotePost).where(RemotePost.uri == uri))).first()
        await session.refresh(post)
        return post
