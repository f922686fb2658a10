"""GET handlers for actor documents, content-negotiated: ActivityStreams JSON or the HTML profile."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.actor import instance_actor_to_ap, person_to_ap
from fediart.activitypub.jsonld import read_bundled_context
from fediart.cache import Rendered
from fediart.http import error, render_ap, render_json, respond, wants_activitypub
from fediart.services import services_of
from fediart.store.accounts import INSTANCE_ACTOR_USERNAME, USERNAME_RE, get_account
from fediart.web.profile import profile_page

NOT_FOUND = Rendered(b'{"error":"no such account here"}', "application/json", {}, status=404)


async def actor(request: Request) -> Response:
    """/users/{username}: JSON-LD for servers, the profile page for browsers."""
    username = request.path_params["username"].lower()
    if not wants_activitypub(request):
        return await profile_page(request)
    if not USERNAME_RE.match(username):
        return respond(NOT_FOUND)
    services = services_of(request)
    key = ("actor", username)
    rendered = services.cache.get(key)
    if rendered is None:
        async with services.sessions() as session:
            account = await get_account(session, username)
        if account is None or account.kind != "person":
            rendered = NOT_FOUND
        else:
            licence = services.licence_for(account)
            rendered = render_ap(person_to_ap(account, services.urls, licence, services.config.domain), licence)
        services.cache.put(key, rendered)
    return respond(rendered)


async def instance_actor(request: Request) -> Response:
    services = services_of(request)
    key = ("actor", INSTANCE_ACTOR_USERNAME)
    rendered = services.cache.get(key)
    if rendered is None:
        async with services.sessions() as session:
            account = await get_account(session, INSTANCE_ACTOR_USERNAME)
        if account is None:
            return error(503, "instance actor not created yet; try again shortly")
        doc = instance_actor_to_ap(account, services.urls, services.site_licence, services.config.domain)
        rendered = services.cache.put(key, render_ap(doc, services.site_licence))
    return respond(rendered)


async def extension_context(request: Request) -> Response:
    """The fediart JSON-LD context, served so the extension terms can be looked up."""
    services = services_of(request)
    return respond(render_json(read_bundled_context("fediart.jsonld"), "application/ld+json", services.site_licence,
                               {"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=86400, public"}))
