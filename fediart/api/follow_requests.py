"""/api/v1/follow_requests: an artist who approves followers by hand lists the requests and answers
them. The id in the path is the requester's account (actor) id, as in Mastodon."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import follows
from fediart.api.accounts import accounts_page, actor_of, relationship_doc
from fediart.api.auth import require_user
from fediart.api.json import api_json
from fediart.store.pages import Page
from fediart.api.params import read_params
from fediart.services import services_of


async def list_requests(request: Request) -> Response:
    services = services_of(request)
    account = await require_user(request, "read:follows")
    page = Page.from_params(await read_params(request), default=40, maximum=80)
    return await accounts_page(request, await follows.follow_requests(services, account, page), services)


async def authorize(request: Request) -> Response:
    services = services_of(request)
    account = await require_user(request, "write:follows")
    actor = await actor_of(services, request.path_params["id"])
    await follows.approve(services, account, actor)
    return api_json(await relationship_doc(services, account, actor))


async def reject(request: Request) -> Response:
    services = services_of(request)
    account = await require_user(request, "write:follows")
    actor = await actor_of(services, request.path_params["id"])
    await follows.reject(services, account, actor)
    return api_json(await relationship_doc(services, account, actor))


routes = [
    Route("/api/v1/follow_requests", list_requests, methods=["GET"]),
    Route("/api/v1/follow_requests/{id}/authorize", authorize, methods=["POST"]),
    Route("/api/v1/follow_requests/{id}/reject", reject, methods=["POST"]),
]
