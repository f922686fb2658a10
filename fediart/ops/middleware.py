"""Pure ASGI middleware counting requests and timing them by route template (installed only with metrics on).

Labels use the route's path template (/@{username}), never the raw path, so a crawler walking
every URL cannot grow the number of time series.
"""

from __future__ import annotations

import time

from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fediart.ops.counters import HTTP_LATENCY, HTTP_REQUESTS

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def template_of(route: BaseRoute) -> str:
    if isinstance(route, Mount):
        return route.path + "/{path}"
    return getattr(route, "path", UNMATCHED)


class RouteTemplates:
    """Which template served a request: the router leaves the endpoint in the scope; look among the
    routes with that endpoint (usually one), so matching costs nothing per request in the common case."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes
        self.by_endpoint: dict[object, list[BaseRoute]] = {}
        for route in routes:
            endpoint = route.app if isinstance(route, Mount) else getattr(route, "endpoint", None)
            if endpoint is not None:
                self.by_endpoint.setdefault(endpoint, []).append(route)

    def template(self, scope: Scope) -> str:
        endpoint = scope.get("endpoint")
        # No endpoint: the router found none (404), or a middleware answered first (the crawler gate's 403).
        candidates = self.by_endpoint.get(endpoint, ()) if endpoint is not None else self.routes
        if len(candidates) == 1:
            return template_of(candidates[0])
        for route in candidates:
            match, _ = route.matches({**scope, "path_params": {}})
            if match == Match.FULL or (match == Match.PARTIAL and isinstance(route, Route)):
                return template_of(route)
        return UNMATCHED


class RequestMetricsMiddleware:
    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.templates = RouteTemplates(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = self.templates.template(scope)
            method = scope["method"] if scope["method"] in METHODS else "other"
            HTTP_REQUESTS.labels(route, method, f"{status // 100}xx").inc()
            HTTP_LATENCY.labels(route).observe(time.perf_counter() - started)
