"""An album as ActivityPub: an OrderedCollection of its posts' Note ids (/users/{name}/albums/{id}).

Content-negotiated like a post: servers get the collection, browsers the album page (web/albums.py),
at both the /users/ and the /@ address. The collection lists what the outbox lists (public and
unlisted live posts), in the artist's order; past PAGE_SIZE items it pages with first/next. It carries
the artist's licence terms and headers as every collection does. With authorized fetch, an unsigned
or refused GET is 401 like the outbox's, decided per request before any cached body is returned.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.albums import album_post_ids, find_album
from fediart.actions.errors import ActionError
from fediart.activitypub import fetch_access
from fediart.activitypub.convert import iso
from fediart.activitypub.vocab import CONTEXT
from fediart.cache import Rendered
from fediart.http import render_ap, respond, wants_activitypub
from fediart.licence.jsonld import object_terms
from fediart.licence.model import Licence
from fediart.services import Services, services_of
from fediart.store.album_tables import Album
from fediart.store.tables import Account
from fediart.urls import Urls
from fediart.web.albums import album_page, album_uri, album_url

PAGE_SIZE = 100
NOT_FOUND = Rendered(b'{"error":"no such album here"}', "application/json", {}, status=404)


def album_to_ap(album: Album, account: Account, urls: Urls, licence: Licence, post_ids: list[int], total: int,
                page: int | None = None) -> dict[str, Any]:
    """The collection (page None) or one numbered page of it; `post_ids` are that document's items."""
    name = account.username
    collection = album_uri(urls, name, album.id)
    items = [urls.status(name, post_id) for post_id in post_ids]
    terms = object_terms(licence, urls.actor(name))
    if page is not None:
        doc: dict[str, Any] = {"id": f"{collection}?page={page}", "type": "OrderedCollectionPage",
                               "partOf": collection, "totalItems": total}
        if page * PAGE_SIZE < total:
            doc["next"] = f"{collection}?page={page + 1}"
        if page > 1:
            doc["prev"] = f"{collection}?page={page - 1}"
        return {"@context": CONTEXT, **doc, "orderedItems": items, **terms}
    doc = {"id": collection, "type": "OrderedCollection", "name": album.title,
           "attributedTo": urls.actor(name), "url": album_url(urls, name, album.id), "totalItems": total,
           "published": iso(album.created_at), "updated": iso(album.updated_at)}
    if album.description:
        # `summary` is HTML: the artist's plain text, escaped.
        doc["summary"] = "<p>" + html.escape(album.description).replace("\n", "<br>") + "</p>"
    if total > PAGE_SIZE:
        doc["first"] = f"{collection}?page=1"
        doc["last"] = f"{collection}?page={(total + PAGE_SIZE - 1) // PAGE_SIZE}"
    else:
        doc["orderedItems"] = items
    return {"@context": CONTEXT, **doc, **terms}


def _page(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() and 0 < len(value) < 7 and int(value) > 0 else None


async def album_document(services: Services, username: str, album_id: int, page: int | None) -> Rendered:
    """The album's collection (or page) as served, cached under the artist's name."""
    key = ("album", username, album_id, page)
    rendered = services.cache.get(key)
    if rendered is not None:
        return rendered
    try:
        account, album = await find_album(services, username, album_id)
    except ActionError:
        return services.cache.put(key, NOT_FOUND)
    # The collection itself lists the items only when they fit on one page; else its pages do.
    offset = 0 if page is None else (page - 1) * PAGE_SIZE
    total, ids = await album_post_ids(services, album, offset=offset, limit=PAGE_SIZE)
    if page is None and total > PAGE_SIZE:
        ids = []
    licence = services.licence_for(account)
    doc = album_to_ap(album, account, services.urls, licence, ids, total, page)
    return services.cache.put(key, render_ap(doc, licence))


async def album(request: Request) -> Response:
    """The OrderedCollection for ActivityPub clients, the album page for everyone else."""
    if not wants_activitypub(request):
        return await album_page(request)
    services = services_of(request)
    if fetch_access.required(services) and (await fetch_access.requester(services, request)).signer is None:
        return respond(fetch_access.unauthorized(services.site_licence))
    username = request.path_params["username"].lower()
    rendered = await album_document(services, username, request.path_params["album_id"],
                                    _page(request.query_params.get("page")))
    return respond(fetch_access.finish(rendered))


routes = [
    Route("/users/{username}/albums/{album_id:int}", album),
    Route("/@{username}/albums/{album_id:int}", album),
]
