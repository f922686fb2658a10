"""fediart's client-API extensions for protected originals: the artist sees where an upload's
full-resolution original is (`fediart_original_url` on their own media), and issues and revokes
time-limited download links for one original.

POST /api/v1/media/:id/download_links (expires_in "7d" or seconds, label) answers the link with its
`url` (the secret, shown this once); GET lists them without; DELETE /api/v1/download_links/:id revokes.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.media import get_media
from fediart.actions.originals import issue_link, link_state, list_links, original_url, revoke_link
from fediart.api.auth import require_user
from fediart.api.json import api_json
from fediart.api.params import read_params
from fediart.services import Services, services_of
from fediart.store.original_tables import DownloadLink
from fediart.store.tables import Media


def with_original(doc: dict[str, Any], services: Services, media: Media) -> dict[str, Any]:
    """The artist's own media entity, with the original's address (never on entities others see)."""
    doc["fediart_original_url"] = original_url(services, media)
    return doc


def link_to_api(row: DownloadLink, url: str | None = None) -> dict[str, Any]:
    doc = {"id": str(row.id), "media_id": str(row.media_id), "label": row.label,
           "created_at": row.created_at.isoformat(), "expires_at": row.expires_at.isoformat(),
           "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None, "state": link_state(row)}
    if url is not None:
        doc["url"] = url
    return doc


async def create(request: Request) -> Response:
    account = await require_user(request, "write:media")
    params = await read_params(request)
    services = services_of(request)
    row, url = await issue_link(services, account, request.path_params["media_id"],
                                params.text("expires_in"), params.text("label") or "")
    return api_json(link_to_api(row, url))


async def index(request: Request) -> Response:
    account = await require_user(request, "write:media")  # the links are secrets of the artist's
    services = services_of(request)
    media = await get_media(services, account, request.path_params["media_id"])
    return api_json([link_to_api(row) for row in await list_links(services, account, media.id)])


async def revoke(request: Request) -> Response:
    account = await require_user(request, "write:media")
    row = await revoke_link(services_of(request), account, request.path_params["link_id"])
    return api_json(link_to_api(row))


routes = [
    Route("/api/v1/media/{media_id}/download_links", create, methods=["POST"]),
    Route("/api/v1/media/{media_id}/download_links", index, methods=["GET"]),
    Route("/api/v1/download_links/{link_id}", revoke, methods=["DELETE"]),
]
