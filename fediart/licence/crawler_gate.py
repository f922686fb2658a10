"""ASGI middleware: AI-training crawlers get 403 on HTML pages and media files (servers and previews pass)."""

from __future__ import annotations

import logging
import re

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from fediart.licence.crawlers import crawler_list, refused_by

log = logging.getLogger("fediart.crawlers")

# Pages and files people look at; everything else (inbox, WebFinger, NodeInfo, robots.txt,
# /.well-known, the client API, terms and policies) stays open so that servers and consent readers work.
_GATED = re.compile(r"^/(?:$|about$|tags/[^/]+$|@[^/]+(?:/\d+|/albums(?:/\d+)?)?$|media/|users/[^/]+(?:/statuses/\d+|/albums/\d+)?$)")
_ACTIVITYPUB = ("application/activity+json", "application/ld+json")


def gated(path: str, accept: str) -> bool:
    """Whether a GET of this path is a page or a media file rather than ActivityPub JSON for servers."""
    if not _GATED.match(path):
        return False
    return path.startswith("/media/") or not any(kind in accept for kind in _ACTIVITYPUB)


class CrawlerGateMiddleware:
    def __init__(self, app: ASGIApp, services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            headers = Headers(scope=scope)
            if gated(scope["path"], headers.get("accept", "")):
                agents = await crawler_list(self.services.sessions).agents()
                agent = refused_by(headers.get("user-agent", ""), agents)
                if agent is not None:
                    log.info("refused AI crawler %s on %s", agent, scope["path"])
                    # The licence middleware wraps this one, so the 403 still carries the reservation.
                    response = PlainTextResponse(
                        f"403: {agent} is an AI-training crawler; art on this server is not licensed for"
                        " AI training.\n", status_code=403)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
