"""WebFinger (RFC 7033) and host-meta: how other servers turn @name@domain into an actor URL."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.actor import instance_actor_username
from fediart.activitypub.vocab import AP_CONTENT_TYPE
from fediart.cache import Rendered
from fediart.http import error, render_json, respond
from fediart.served import mark_servable
from fediart.services import Services, services_of
from fediart.store.accounts import INSTANCE_ACTOR_USERNAME, USERNAME_RE, get_account

JRD = "application/jrd+json"


class BadResource(ValueError):
    pass


def username_for_resource(resource: str, services: Services) -> str | None:
    """The local username a resource names, None if it names nobody here; BadResource if malformed."""
    domain = services.config.domain
    base = services.urls.base
    resource = unquote(resource.strip())
    if resource.startswith("acct:"):
        user, sep, host = resource[5:].lstrip("@").rpartition("@")
        if not sep or not user or not host:
            raise BadResource("acct: resource must look like acct:name@domain")
        if host.lower() != domain:
            return None
        if user.lower() in (domain, instance_actor_username(domain)):
            return INSTANCE_ACTOR_USERNAME  # Mastodon's convention for the instance actor
        return user.lower()
    parts = urlsplit(resource)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadResource("resource must be an acct: URI or an http(s) URL")
    if f"{parts.scheme}://{parts.netloc.lower()}" != base:
        return None
    path = parts.path.rstrip("/")
    if path == "/actor":
        return INSTANCE_ACTOR_USERNAME
    for prefix in ("/users/", "/@"):
        if path.startswith(prefix) and "/" not in path[len(prefix):]:
            return path[len(prefix):].lower()
    return None


def webfinger_document(username: str, services: Services) -> dict:
    urls, domain = services.urls, services.config.domain
    if username == INSTANCE_ACTOR_USERNAME:
        actor = urls.instance_actor
        return {
            "subject": f"acct:{instance_actor_username(domain)}@{domain}",
            "aliases": [actor],
            "links": [
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"{urls.base}/about"},
                {"rel": "self", "type": AP_CONTENT_TYPE, "href": actor},
            ],
        }
    return {
        "subject": f"acct:{username}@{domain}",
        "aliases": [urls.profile(username), urls.actor(username)],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": urls.profile(username)},
            {"rel": "self", "type": AP_CONTENT_TYPE, "href": urls.actor(username)},
            {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": urls.authorize_interaction()},
        ],
    }


async def webfinger(request: Request) -> Response:
    services = services_of(request)
    resource = request.query_params.get("resource")
    if not resource:
        return error(400, "the resource parameter is required")
    try:
        username = username_for_resource(resource, services)
    except BadResource as exc:
        return error(400, str(exc))
    if username is None or (username != INSTANCE_ACTOR_USERNAME and not USERNAME_RE.match(username)):
        return error(404, "no such account here")
    key = ("webfinger", username)
    rendered = services.cache.get(key)
    if rendered is None:
        async with services.sessions() as session:
            account = await get_account(session, username)
        if account is None:
            rendered = Rendered(b'{"error":"no such account here"}', "application/json", {}, status=404)
        else:
            licence = services.licence_for(account) if account.kind == "person" else services.site_licence
            doc = webfinger_document(username, services)
            rendered = render_json(doc, JRD, licence, {"Access-Control-Allow-Origin": "*", "Vary": "Accept"})
        services.cache.put(key, rendered)
    mark_servable(request.scope, key)
    return respond(rendered)


async def host_meta(request: Request) -> Response:
    services = services_of(request)
    template = f"{services.urls.base}/.well-known/webfinger?resource={{uri}}"
    if "json" in request.headers.get("accept", "") or request.url.path.endswith(".json"):
        return respond(render_json({"links": [{"rel": "lrdd", "template": template}]}, JRD, None))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{template}"/>\n'
        "</XRD>\n"
    )
    return Response(body, media_type="application/xrd+xml")
