"""GET a post: its Note (/users/{name}/statuses/{id}, also /@{name}/{id}) and its Create (…/activity).

Content-negotiated like Mastodon: ActivityStreams JSON for servers, the post page for browsers.
A deleted post answers 410 with a Tombstone. Who may have a post is decided per request
(fetch_access.py) before any cached body is returned: with authorized fetch, unsigned requests get
401; followers-only and direct posts go only to signers that may see them, and are 404 (as for a
post that never existed) to everyone else.
"""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.activitypub import fetch_access
from fediart.activitypub.convert import create_activity, post_licence, post_to_ap, tombstone_to_ap
from fediart.activitypub.vocab import AP_CONTENT_TYPE
from fediart.cache import Rendered
from fediart.http import render_ap, render_json, respond, wants_activitypub
from fediart.services import Services, services_of
from fediart.store.accounts import USERNAME_RE
from fediart.store.posts import PUBLICLY_VISIBLE, get_post, media_for
from fediart.web.posts import post_page

NOT_FOUND = Rendered(b'{"error":"no such post here"}', "application/json", {}, status=404)


async def note_document(services: Services, username: str, post_id: int, *, activity: bool = False) -> Rendered:
    """The Note (or its Create) as served, cached; 404 or 410 Tombstone when not servable.

    Any visibility: the caller has decided (answer()) that the requester may have it.
    """
    key = ("note", username, post_id, activity)
    rendered = services.cache.get(key)
    if rendered is not None:
        return rendered
    found = None
    if USERNAME_RE.match(username):
        async with services.sessions() as session:
            found = await get_post(session, username, post_id)
            media = (await media_for(session, [post_id]))[post_id] if found else []
    if found is None or found[0].kind != "person":
        return services.cache.put(key, NOT_FOUND)
    account, post = found
    urls = services.urls
    licence = post_licence(services.licence_for(account), post.licence_key)
    if post.deleted_at is not None:
        object_id = urls.status_activity(username, post_id) if activity else urls.status(username, post_id)
        tombstone = tombstone_to_ap(object_id, "Create" if activity else "Note", post.deleted_at,
                                    urls.actor(username), licence)
        rendered = dataclasses.replace(render_json(tombstone, AP_CONTENT_TYPE, licence, {"Vary": "Accept"}),
                                       status=410)
    else:
        note = post_to_ap(post, media, account, urls, licence, language=services.config.server.default_language)
        rendered = render_ap(create_activity(note, licence) if activity else note, licence)
    return services.cache.put(key, rendered)


async def answer(request: Request, *, activity: bool = False) -> Response:
    """The Note or its Create, to a requester allowed to have it; 401 or 404 otherwise."""
    services = services_of(request)
    username, post_id = request.path_params["username"].lower(), request.path_params["status_id"]
    who = fetch_access.Requester(None)
    if fetch_access.required(services) or fetch_access.is_signed(request):
        who = await fetch_access.requester(services, request)
    if fetch_access.required(services) and who.signer is None:
        return respond(fetch_access.unauthorized(services.site_licence))
    post = None
    if USERNAME_RE.match(username):
        async with services.sessions() as session:
            found = await get_post(session, username, post_id)
            post = found[1] if found else None
            if post is not None and not await fetch_access.may_fetch_post(session, who.signer, post):
                post = None
    if post is None:
        return respond(fetch_access.finish(NOT_FOUND))
    rendered = await note_document(services, username, post_id, activity=activity)
    return respond(fetch_access.finish(rendered, private=post.visibility not in PUBLICLY_VISIBLE))


async def status(request: Request) -> Response:
    """The Note for ActivityPub clients, the post page for everyone else."""
    if not wants_activitypub(request):
        return await post_page(request)
    return await answer(request)


async def status_activity(request: Request) -> Response:
    return await answer(request, activity=True)


routes = [
    Route("/users/{username}/statuses/{status_id:int}", status),
    Route("/users/{username}/statuses/{status_id:int}/activity", status_activity),
    # The page's own URL (the Note's `url`) is negotiated too, as Mastodon's is.
    Route("/@{username}/{status_id:int}", status),
]
