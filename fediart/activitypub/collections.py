"""An artist's collections: outbox, followers, following, featured posts and featured tags.

Shaped like Mastodon's: the collection gives totalItems and links to its first page; pages walk
newest first. Outbox pages use max_id/min_id cursors (stable while new posts arrive) and embed
the Create of each public or unlisted post. Every collection and page carries the artist's
licence terms, which receivers apply to members that lack their own (docs/licence.md §3).
With authorized fetch, each request is judged (fetch_access.py) before a cached body is returned.
An artist who hides their collections shows followers and following as counts only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.activitypub import fetch_access
from fediart.activitypub.convert import create_activity, post_licence, post_to_ap
from fediart.activitypub.vocab import CONTEXT
from fediart.cache import Rendered
from fediart.http import render_ap, respond
from fediart.licence.jsonld import object_terms
from fediart.services import Services, services_of
from fediart.store.accounts import USERNAME_RE, get_account
from fediart.store.posts import PUBLICLY_VISIBLE, count_public_posts, has_public_posts, media_for, public_posts
from fediart.store.tables import Account, Actor, Follower, Following, Post

PAGE_SIZE = 20
NOT_FOUND = Rendered(b'{"error":"no such account here"}', "application/json", {}, status=404)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() and len(value) < 19 else None


async def _outbox(session: AsyncSession, services: Services, account: Account, query: dict[str, str]) -> dict[str, Any]:
    urls, name = services.urls, account.username
    outbox = urls.outbox(name)
    if query.get("page") != "true":
        return {"id": outbox, "type": "OrderedCollection", "totalItems": await count_public_posts(session, account.id),
                "first": f"{outbox}?page=true", "last": f"{outbox}?min_id=0&page=true"}
    max_id, min_id = _int(query.get("max_id")), _int(query.get("min_id"))
    if min_id is not None:
        page_id = f"{outbox}?min_id={min_id}&page=true"
    elif max_id is not None:
        page_id = f"{outbox}?max_id={max_id}&page=true"
    else:
        page_id = f"{outbox}?page=true"
    posts = await public_posts(session, account.id, max_id=max_id, min_id=min_id, limit=PAGE_SIZE)
    media = await media_for(session, [p.id for p in posts])
    base = services.licence_for(account)
    language = services.config.server.default_language
    items = []
    for post in posts:
        licence = post_licence(base, post.licence_key)
        activity = create_activity(post_to_ap(post, media[post.id], account, urls, licence, language=language), licence)
        del activity["@context"]
        items.append(activity)
    page: dict[str, Any] = {"id": page_id, "type": "OrderedCollectionPage", "partOf": outbox}
    if posts and await has_public_posts(session, account.id, below=posts[-1].id):
        page["next"] = f"{outbox}?max_id={posts[-1].id}&page=true"
    if posts and await has_public_posts(session, account.id, above=posts[0].id):
        page["prev"] = f"{outbox}?min_id={posts[0].id}&page=true"
    page["orderedItems"] = items
    return page


async def _actors(session: AsyncSession, table, account: Account, collection: str, query: dict[str, str]) -> dict[str, Any]:
    """Followers or following: accepted relations, newest first, as actor URIs, numbered pages.

    Hidden collections give the count alone, for the collection and for any page asked for.
    """
    where = (table.account_id == account.id, table.state == "accepted")
    total = (await session.exec(select(func.count()).select_from(table).where(*where))).one()
    if account.hide_collections:
        return {"id": collection, "type": "OrderedCollection", "totalItems": total}
    number = _int(query.get("page"))
    if number is None or number < 1:
        return {"id": collection, "type": "OrderedCollection", "totalItems": total, "first": f"{collection}?page=1"}
    rows = await session.exec(
        select(Actor.uri).join(table, table.actor_id == Actor.id).where(*where)
        .order_by(table.id.desc()).offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    page: dict[str, Any] = {"id": f"{collection}?page={number}", "type": "OrderedCollectionPage",
                            "totalItems": total, "partOf": collection}
    if number * PAGE_SIZE < total:
        page["next"] = f"{collection}?page={number + 1}"
    if number > 1:
        page["prev"] = f"{collection}?page={number - 1}"
    page["orderedItems"] = list(rows.all())
    return page


async def _featured(session: AsyncSession, services: Services, account: Account) -> dict[str, Any]:
    """Pinned posts as Notes, newest pin first, as Mastodon serves them (followers-only pins stay out)."""
    posts = (await session.exec(select(Post).where(
        Post.account_id == account.id, Post.pinned_at.is_not(None), Post.deleted_at.is_(None),
        Post.visibility.in_(PUBLICLY_VISIBLE)).order_by(Post.pinned_at.desc(), Post.id.desc()))).all()
    media = await media_for(session, [p.id for p in posts])
    base = services.licence_for(account)
    language = services.config.server.default_language
    items = []
    for post in posts:
        note = post_to_ap(post, media[post.id], account, services.urls, post_licence(base, post.licence_key),
                          language=language)
        del note["@context"]
        items.append(note)
    return {"id": services.urls.featured(account.username), "type": "OrderedCollection",
            "totalItems": len(items), "orderedItems": items}


async def _document(session: AsyncSession, services: Services, kind: str, account: Account,
                    query: dict[str, str]) -> dict[str, Any]:
    urls, name = services.urls, account.username
    if kind == "outbox":
        return await _outbox(session, services, account, query)
    if kind == "followers":
        return await _actors(session, Follower, account, urls.followers(name), query)
    if kind == "following":
        return await _actors(session, Following, account, urls.following(name), query)
    if kind == "featured":
        return await _featured(session, services, account)
    return {"id": urls.featured_tags(name), "type": "Collection", "totalItems": 0, "items": []}


def _endpoint(kind: str):
    async def collection(request: Request) -> Response:
        services = services_of(request)
        username = request.path_params["username"].lower()
        if fetch_access.required(services) and (await fetch_access.requester(services, request)).signer is None:
            return respond(fetch_access.unauthorized(services.site_licence))
        # Only the parameters that shape the document, so junk parameters cannot fill the cache.
        query = {k: v for k, v in request.query_params.items() if k in ("page", "max_id", "min_id")}
        key = (kind, username, tuple(sorted(query.items())))
        rendered = services.cache.get(key)
        if rendered is None:
            account = None
            if USERNAME_RE.match(username):
                async with services.sessions() as session:
                    account = await get_account(session, username)
                    if account is not None and account.kind == "person":
                        doc = await _document(session, services, kind, account, query)
            if account is None or account.kind != "person":
                rendered = NOT_FOUND
            else:
                licence = services.licence_for(account)
                rendered = render_ap({"@context": CONTEXT, **doc, **object_terms(licence, services.urls.actor(username))},
                                     licence)
            services.cache.put(key, rendered)
        return respond(fetch_access.finish(rendered))

    collection.__name__ = kind
    return collection


async def instance_collection(request: Request) -> Response:
    """The instance actor's outbox and featured posts: it publishes nothing, so both are empty."""
    services = services_of(request)
    doc = {"@context": CONTEXT, "id": services.urls.base + request.url.path, "type": "OrderedCollection",
           "totalItems": 0, "orderedItems": [],
           **object_terms(services.site_licence, services.urls.instance_actor)}
    return respond(render_ap(doc, services.site_licence))


routes = [
    Route("/actor/outbox", instance_collection),
    Route("/actor/collections/featured", instance_collection),
    Route("/users/{username}/outbox", _endpoint("outbox")),
    Route("/users/{username}/followers", _endpoint("followers")),
    Route("/users/{username}/following", _endpoint("following")),
    Route("/users/{username}/collections/featured", _endpoint("featured")),
    Route("/users/{username}/collections/tags", _endpoint("featured_tags")),
]
