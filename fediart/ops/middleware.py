"""Pure ASGI middleware counting requests and timing them by route template (installed only with metrics on).

Labels use the route's path template (/@{username}), never the raw path, so a crawler walking
every URL cannot grow the number of time series.
"""

from __future__ import annotations

import time

from starlette.routing import BaseRoute, Mount
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
    routes with that endpoint (usually one, so matching costs a dictionary lookup)."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.by_endpoint: dict[object, list[BaseRoute]] = {}
        for route in routes:
            endpoint = route.app if isinstance(route, Mount) else getattr(route, "endpoint", None)
            if endpoint is not None:
                self.by_endpoint.setdefault(endpoint, []).append(route)

    def template(self, scope: Scope) -> str:
        # No endpoint: no route matched (404), or a middleware answered before routing (the crawler gate's
        # 403, a CORS preflight). Looking the path up among all routes would cost ~180 µs a request, at
        # the will of whoever sends made-up URLs; one label for all of them costs nothing.
        candidates = self.by_endpoint.get(scope.get("endpoint"), ())
        if len(candidates) == 1:
            return template_of(candidates[0])
        # One endpoint behind several paths (/@{username} and /users/{username}): the path tells them apart.
        path = scope["path"]
        for route in candidates:
            regex = getattr(route, "path_regex", None)
            if regex is not None and regex.match(path):
                return template_of(route)
        return UNMATCHED


class RequestMetricsMiddleware:
    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.templates = RouteTemplates(routes)
        # The labelled children, kept: .labels() costs a lock and a few microseconds a call. Their
        # number is bounded, since every label value comes from a fixed set.
        self.children: dict[tuple[str, str, int], tuple] = {}

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
            elapsed = time.perf_counter() - started
            method = scope["method"] if scope["method"] in METHODS else "other"  # clients may send any token
            key = (self.templates.template(scope), method, status // 100)
            children = self.children.get(key)
            if children is None:
                route, method, status_class = key
                children = self.children[key] = (HTTP_REQUESTS.labels(route, method, f"{status_class}xx"),
                                                 HTTP_LATENCY.labels(route))
            children[0].inc()
            children[1].observe(elapsed)
