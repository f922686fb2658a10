"""Per-IP flood control on the media and original routes: the inbox's token bucket, keyed by address.

Kept in each process's memory (like the inbox's), on the app's state so every app has its own; a 429
carries Retry-After and the licence headers, as any response about the work does.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fediart.inbox.throttle import InboxThrottle
from fediart.licence.headers import http_headers
from fediart.services import Services

MAX_ADDRESSES = 10_000  # the least recently seen are forgotten first (a full bucket again)


def _throttle(request: Request, services: Services) -> InboxThrottle:
    found = getattr(request.app.state, "media_throttle", None)
    if found is None:
        media = services.config.media
        found = InboxThrottle(media.rate_per_minute, media.rate_burst, MAX_ADDRESSES)
        request.app.state.media_throttle = found
    return found


def throttled(request: Request, services: Services) -> Response | None:
    """Spend one token of the client's address; a 429 response when it has none left, else None."""
    throttle = _throttle(request, services)
    address = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(address)
    if wait:
        headers = {**http_headers(services.site_licence), "Retry-After": str(wait)}
        return JSONResponse({"error": "too many requests"}, status_code=429, headers=headers)
    throttle.spend(address)
    return None
