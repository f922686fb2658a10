"""GET /healthz (for load balancers and process supervisors) and GET /metrics (Prometheus text format)."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from fediart.ops.counters import process_registry
from fediart.ops.health import check_health
from fediart.ops.queue_depths import QueueDepths, read_depths

NO_STORE = {"Cache-Control": "no-store"}


async def healthz(request: Request) -> Response:
    health = await check_health(request.app.state.services)
    body = {"status": health.state.value} if health.ok else {"status": health.state.value, "reason": health.reason}
    return JSONResponse(body, status_code=200 if health.ok else 503, headers=NO_STORE)


def token_refusal(request: Request, token: str) -> Response | None:
    """401 unless the request carries the configured bearer token (compared in constant time)."""
    if not token:
        return None
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return None
    return PlainTextResponse("401: /metrics needs Authorization: Bearer <[server] metrics_token>\n", status_code=401,
                             headers={**NO_STORE, "WWW-Authenticate": 'Bearer realm="metrics"'})


def registry_for(depths) -> CollectorRegistry:
    """A registry for one scrape: this process's counters, its resource use, and the shared queue depths."""
    registry = process_registry()
    registry.register(QueueDepths(depths))
    return registry


async def metrics(request: Request) -> Response:
    services = request.app.state.services
    settings = services.config.server
    if not settings.metrics:
        return PlainTextResponse("Not Found", status_code=404)
    refused = token_refusal(request, settings.metrics_token)
    if refused is not None:
        return refused
    registry = registry_for(await read_depths(services))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)


routes = [
    Route("/healthz", healthz, methods=["GET", "HEAD"]),
    Route("/metrics", metrics, methods=["GET"]),
]
