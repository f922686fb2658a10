"""GET /api/v1/markers?timeline[]=home&timeline[]=notifications and POST /api/v1/markers, taking JSON
(`{"notifications": {"last_read_id": "1"}}`, masto.js) or a form (`notifications[last_read_id]=1`, Tusky)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import markers
from fediart.api.auth import require_user
from fediart.api.formats import api_time
from fediart.api.json import api_json
from fediart.api.params import read_params
from fediart.services import services_of
from fediart.store.tables import Marker


def markers_to_api(rows: list[Marker]) -> dict[str, Any]:
    return {m.timeline: {"last_read_id": m.last_read_id, "version": m.version, "updated_at": api_time(m.updated_at)}
            for m in rows}


async def show(request: Request) -> Response:
    account = await require_user(request, "read:statuses")
    params = await read_params(request)
    rows = await markers.get_markers(services_of(request), account, params.strings("timeline"))
    return api_json(markers_to_api(rows))


async def save(request: Request) -> Response:
    account = await require_user(request, "write:statuses")
    params = await read_params(request)
    positions = {name: params.sub(name).text("last_read_id") or "" for name in markers.TIMELINES if name in params}
    rows = await markers.save_markers(services_of(request), account, positions)
    return api_json(markers_to_api(rows))


routes = [
    Route("/api/v1/markers", show, methods=["GET"]),
    Route("/api/v1/markers", save, methods=["POST"]),
]
