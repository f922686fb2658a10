"""Mastodon's media endpoints: upload an image before posting it (v1 and v2 alike, processed at once,
so the answer is 200 with `url` set), read an upload back, change its description or focal point.

fediart extension: `digital_source_type` (an IPTC short name or URL) declares how the image was made."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.media import get_media, update_media, upload_media
from fediart.api.auth import require_user
from fediart.api.media_entities import media_to_api
from fediart.api.originals import with_original
from fediart.api.errors import ApiError
from fediart.api.json import api_json
from fediart.api.params import read_params
from fediart.services import services_of


async def upload(request: Request) -> Response:
    account = await require_user(request, "write:media")
    params = await read_params(request)
    file = params.file("file")
    if file is None:
        raise ApiError(422, "Validation failed: file is missing (send it as multipart form data named file)")
    services = services_of(request)
    # One byte over the limit is enough for the pipeline to name the limit; the rest is never read.
    data = await file.read(services.config.media.max_upload_mb * 2**20 + 1)
    media = await upload_media(services, account, data, description=params.text("description"),
                               focus=params.text("focus"),
                               digital_source_type=params.text("digital_source_type"))
    return api_json(with_original(media_to_api(media, services.urls), services, media))


async def show(request: Request) -> Response:
    account = await require_user(request, "write:media")
    services = services_of(request)
    media = await get_media(services, account, request.path_params["media_id"])
    return api_json(with_original(media_to_api(media, services.urls), services, media))


async def update(request: Request) -> Response:
    account = await require_user(request, "write:media")
    params = await read_params(request)
    services = services_of(request)
    media = await update_media(services, account, request.path_params["media_id"],
                               description=params.text("description"), focus=params.text("focus"),
                               digital_source_type=params.text("digital_source_type"))
    return api_json(with_original(media_to_api(media, services.urls), services, media))


routes = [
    Route("/api/v1/media", upload, methods=["POST"]),
    Route("/api/v2/media", upload, methods=["POST"]),
    Route("/api/v1/media/{media_id}", show, methods=["GET"]),
    Route("/api/v1/media/{media_id}", update, methods=["PUT"]),
]
