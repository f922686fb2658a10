"""GET handlers for actor documents, content-negotiated: ActivityStreams JSON or the HTML profile.

With authorized fetch, a request without a valid signature from an allowed server gets the minimal
actor (enough to check a key: no deadlock when two servers both require signatures); the instance
actor is always served whole, since other servers fetch its key to verify our signed GETs.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub import fetch_access
from fediart.activitypub.actor import instance_actor_to_ap, person_to_ap
from fediart.activitypub.jsonld import read_bundled_context
from fediart.cache import Rendered
from fediart.licence.jsonld import object_terms
from fediart.licence.model import Licence
from fediart.http import error, render_ap, render_json, respond, wants_activitypub
from fediart.served import mark_servable
from fediart.services import services_of
from fediart.store.accounts import INSTANCE_ACTOR_USERNAME, USERNAME_RE, get_account
from fediart.web.profile import profile_page

NOT_FOUND = Rendered(b'{"error":"no such account here"}', "application/json", {}, status=404)

# What an unverified requester learns of an artist: enough to deliver to them and check their key
# (Mastodon's shape in authorized-fetch mode), and the licence terms, which go with everything.
MINIMAL_FIELDS = ("@context", "id", "type", "preferredUsername", "inbox", "outbox", "endpoints", "publicKey")


def minimal_person(doc: dict[str, Any], licence: Licence) -> dict[str, Any]:
    """The Person document cut down to MINIMAL_FIELDS plus the licence terms."""
    keep = set(MINIMAL_FIELDS) | set(object_terms(licence, doc["id"]))
    return {k: v for k, v in doc.items() if k in keep}


async def actor(request: Request) -> Response:
    """/users/{username}: JSON-LD for servers, the profile page for browsers."""
    username = request.path_params["username"].lower()
    if not wants_activitypub(request):
        return await profile_page(request)
    if not USERNAME_RE.match(username):
        return respond(NOT_FOUND)
    services = services_of(request)
    whole = True
    if fetch_access.required(services):
        whole = (await fetch_access.requester(services, request)).signer is not None
    key = ("actor", username, whole)
    rendered = services.cache.get(key)
    if rendered is None:
        async with services.sessions() as session:
            account = await get_account(session, username)
        if account is None or account.kind != "person":
            rendered = NOT_FOUND
        else:
            licence = services.licence_for(account)
            doc = person_to_ap(account, services.urls, licence, services.config.domain)
            rendered = render_ap(doc if whole else minimal_person(doc, licence), licence)
        services.cache.put(key, rendered)
    mark_servable(request.scope, key)
    return respond(fetch_access.finish(rendered))


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
    mark_servable(request.scope, key)
    return respond(rendered)


async def extension_context(request: Request) -> Response:
    """The fediart JSON-LD context, served so the extension terms can be looked up."""
    services = services_of(request)
    return respond(render_json(read_bundled_context("fediart.jsonld"), "application/ld+json", services.site_licence,
                               {"Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=86400, public"}))
