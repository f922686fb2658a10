"""Small HTTP helpers shared by the route modules: content negotiation and typed responses."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fediart.activitypub.vocab import AP_CONTENT_TYPE
from fediart.cache import Rendered
from fediart.licence.headers import http_headers
from fediart.licence.model import Licence

log = logging.getLogger("fediart.http")


def wants_activitypub(request: Request) -> bool:
    """True when the client asked for ActivityStreams rather than a web page."""
    accept = request.headers.get("accept", "").lower()
    return "application/activity+json" in accept or "application/ld+json" in accept


def render_json(doc: Any, media_type: str, licence: Licence | None, extra: dict[str, str] | None = None) -> Rendered:
    headers = dict(http_headers(licence)) if licence else {}
    headers.update(extra or {})
    return Rendered(body=orjson.dumps(doc), media_type=media_type, headers=headers)


def render_ap(doc: dict[str, Any], licence: Licence) -> Rendered:
    return render_json(doc, AP_CONTENT_TYPE, licence, {"Vary": "Accept", "Cache-Control": "max-age=180, public"})


def respond(rendered: Rendered) -> Response:
    return Response(rendered.body, status_code=rendered.status, media_type=rendered.media_type,
                    headers=rendered.headers)


def error(status: int, message: str) -> Response:
    """A JSON error a remote server or a person can read: {"error": "..."}."""
    return JSONResponse({"error": message}, status_code=status)
