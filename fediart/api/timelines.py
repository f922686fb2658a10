"""GET /api/v1/timelines/home, /timelines/public, /timelines/tag/:tag and /api/v1/accounts/:id/statuses:
parse, ask actions/timelines.py for a page of references, serialise them as Statuses with a Link header."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import timelines
from fediart.actions.errors import NotFound
from fediart.api.auth import authenticate, require_user
from fediart.api.status_entities import statuses_to_api
from fediart.api.json import api_json
from fediart.api.pagination import link_header
from fediart.store.pages import Page
from fediart.api.params import read_params
from fediart.services import services_of
from fediart.store.status_refs import StatusRef
from fediart.store.tables import Account
from fediart.store.ids import parse_id

READ = "read:statuses"


async def _answer(request: Request, session: AsyncSession, rows: list[StatusRef],
                  viewer: Account | None) -> Response:
    statuses = await statuses_to_api(services_of(request), session, rows, viewer)
    return api_json(statuses, headers=link_header(request, [row.id for row in rows]))


async def _viewer(request: Request, session: AsyncSession) -> Account | None:
    grant = await authenticate(request, READ, required=False, session=session)
    return grant.account if grant is not None else None


# Each handler reads the token, the page and the page's facts in one session: a session costs a
# connection checkout and a rollback, as much as a statement.

async def home(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        account = await require_user(request, READ, session)
        params = await read_params(request)
        rows = await timelines.home(session, services, account, Page.from_params(params))
        return await _answer(request, session, rows, account)


async def public(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        viewer = await _viewer(request, session)
        params = await read_params(request)
        filters = timelines.Filters(only_media=params.flag("only_media"))
        rows = await timelines.public(session, services, viewer, Page.from_params(params),
                                      local=params.flag("local"), remote=params.flag("remote"), filters=filters)
        return await _answer(request, session, rows, viewer)


async def tag(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        viewer = await _viewer(request, session)
        params = await read_params(request)
        rows = await timelines.tag(session, services, viewer, request.path_params["name"], Page.from_params(params),
                                   local=params.flag("local"), remote=params.flag("remote"),
                                   only_media=params.flag("only_media"))
        return await _answer(request, session, rows, viewer)


async def account_statuses(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        viewer = await _viewer(request, session)
        actor_id = parse_id(request.path_params["id"])
        if actor_id is None:
            raise NotFound()
        params = await read_params(request)
        filters = timelines.Filters(only_media=params.flag("only_media"),
                                    exclude_replies=params.flag("exclude_replies"),
                                    exclude_reblogs=params.flag("exclude_reblogs"), tag=params.text("tagged"))
        rows = await timelines.account_statuses(session, services, viewer, actor_id, Page.from_params(params),
                                                filters=filters, pinned=params.flag("pinned"))
        return await _answer(request, session, rows, viewer)


routes = [
    Route("/api/v1/timelines/home", home, methods=["GET"]),
    Route("/api/v1/timelines/public", public, methods=["GET"]),
    Route("/api/v1/timelines/tag/{name}", tag, methods=["GET"]),
    Route("/api/v1/accounts/{id}/statuses", account_statuses, methods=["GET"]),
]
