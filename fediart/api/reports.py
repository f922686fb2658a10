"""POST /api/v1/reports: an artist reports an account (and its posts) to the admin, and to its server."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.accounts import actor_by_id, actor_of_account
from fediart.actions.errors import ActionError
from fediart.actions.reports import file_report
from fediart.api.account_entities import accounts_to_api
from fediart.api.auth import require_user
from fediart.api.formats import api_time
from fediart.api.json import api_json
from fediart.api.params import read_params
from fediart.services import services_of
from fediart.store.statuses import find_status, original, uri_of


async def create_report(request: Request) -> Response:
    services = services_of(request)
    account = await require_user(request, "write:reports")
    params = await read_params(request)
    me = await actor_of_account(services, account)
    async with services.sessions() as session:
        target = await actor_by_id(session, params.text("account_id") or "")
        post_uris = []
        for value in params.strings("status_ids") if "status_ids" in params else []:
            status = await original(session, await find_status(session, me, value))
            post_uris.append(await uri_of(session, services.urls, status))
    if target.id == me.id:
        raise ActionError("you cannot report yourself", 422)
    report = await file_report(services, target, params.text("comment") or "", post_uris,
                               forward=params.flag("forward"), reporter=me)
    async with services.sessions() as session:
        [target_doc] = await accounts_to_api(services, session, [target])
    return api_json({
        "id": str(report.id), "action_taken": False, "action_taken_at": None, "category": "other",
        "comment": report.comment, "forwarded": report.direction == "outgoing",
        "created_at": api_time(report.created_at),
        "status_ids": [value for value in params.strings("status_ids")] if "status_ids" in params else [],
        "rule_ids": None, "target_account": target_doc,
    })


routes = [Route("/api/v1/reports", create_report, methods=["POST"])]
