"""GET /api/v2/search: accounts by name or handle, posts by URL; `resolve=true` looks a handle up by
WebFinger and a pasted URL up on its server, storing what it finds, which only a signed-in user may ask
(Mastodon answers 401 otherwise: resolving makes the server fetch on the caller's behalf).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.accounts import WEB, search_accounts
from fediart.actions.resolve import known_post, resolve_url
from fediart.api.auth import authenticate
from fediart.api.account_entities import accounts_to_api
from fediart.api.status_entities import statuses_to_api
from fediart.api.errors import ApiError
from fediart.api.json import api_json
from fediart.store.pages import Page
from fediart.api.params import read_params
from fediart.services import services_of
from fediart.store.actors import local_actor
from fediart.store.visibility import can_see
from fediart.store.tables import Actor

TYPES = ("accounts", "statuses", "hashtags")


async def search(request: Request) -> Response:
    services = services_of(request)
    grant = await authenticate(request, "read:search", required=False)
    viewer = grant.account if grant is not None else None
    params = await read_params(request)
    query = (params.text("q") or "").strip()
    kind = params.text("type")
    if kind is not None and kind not in TYPES:
        raise ApiError(422, f"Validation failed: type must be one of {', '.join(TYPES)}")
    resolve = params.flag("resolve")
    offset = max(0, params.integer("offset", 0) or 0)
    if viewer is None and resolve:
        raise ApiError(401, "Search queries that resolve remote resources are not supported without authentication")
    if viewer is None and offset:
        raise ApiError(401, "Search queries pagination is not supported without authentication")
    limit = Page.from_params(params, default=20, maximum=40).limit
    accounts, statuses = [], []
    if query.startswith(WEB) and kind in (None, "accounts", "statuses"):
        found = await resolve_url(services, query) if resolve else await known_post(services, query)
        if isinstance(found, Actor):
            accounts = [found]
        elif found is not None:
            statuses = [found]
    if kind in (None, "accounts") and not accounts:
        accounts = await search_accounts(services, query, resolve=resolve, limit=limit, offset=offset)
    async with services.sessions() as session:
        me = await local_actor(session, services.urls, viewer) if viewer is not None else None
        statuses = [s for s in statuses if await can_see(session, me, s)] if kind != "accounts" else []
        doc = {
            "accounts": await accounts_to_api(services, session, accounts) if kind in (None, "accounts") else [],
            "statuses": await statuses_to_api(services, session, statuses, viewer),
            # Hashtag search needs a tag index fediart does not keep yet.
            "hashtags": [],
        }
    return api_json(doc)


routes = [Route("/api/v2/search", search, methods=["GET"])]
