"""create_app(config) -> Starlette: joins each package's routes; the lifespan checks the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware

from fediart.activitypub.collections import routes as collection_routes
from fediart.api.cors import ClientCorsMiddleware
from fediart.api.errors import EXCEPTION_HANDLERS
from fediart.api.routes import routes as api_routes
from fediart.activitypub.objects import routes as object_routes
from fediart.activitypub.routes import routes as activitypub_routes
from fediart.config import Config
from fediart.inbox.routes import routes as inbox_routes
from fediart.licence.crawler_gate import CrawlerGateMiddleware
from fediart.licence.middleware import LicenceHeadersMiddleware
from fediart.licence.routes import routes as licence_routes
from fediart.media.original_routes import routes as original_routes
from fediart.media.routes import routes as media_routes
from fediart.ops.middleware import RequestMetricsMiddleware
from fediart.ops.routes import routes as ops_routes
from fediart.served import ServedResponsesMiddleware
from fediart.services import build_services
from fediart.streaming.routes import routes as streaming_routes
from fediart.store.migrate import current_and_head
from fediart.web.feeds import routes as feed_routes
from fediart.web.headers import SecurityHeadersMiddleware
from fediart.web.posts import routes as post_page_routes
from fediart.web.routes import routes as web_routes

log = logging.getLogger("fediart")


class DatabaseNotReady(RuntimeError):
    pass


def create_app(config: Config, engine: AsyncEngine | None = None, *, run_worker: bool = True,
               http: httpx.AsyncClient | None = None) -> Starlette:
    """The ASGI app; `http` replaces the outgoing HTTP client (tests give one with a fake network)."""
    services = build_services(config, engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        current, head = await current_and_head(services.engine)
        if current != head:
            raise DatabaseNotReady(
                f"database schema is at {current or 'nothing'}, code needs {head}: run `fediart migrate`"
            )
        await services.start(http, listen=True)  # other processes' changes reach this one's caches
        stop = asyncio.Event()
        worker = None
        if config.worker.in_serve and run_worker:
            from fediart.worker import Worker

            worker = asyncio.create_task(Worker(services).run(stop))
        log.info("fediart serving %s", config.base_url)
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                await worker
            await services.close()

    routes = [*ops_routes, *feed_routes, *activitypub_routes, *object_routes, *collection_routes, *inbox_routes,
              *media_routes, *original_routes, *licence_routes, *post_page_routes, *streaming_routes, *api_routes,
              *web_routes]
    # Off, the instrumentation is not installed at all: requests pay nothing for it.
    measuring = [Middleware(RequestMetricsMiddleware, routes=routes)] if config.server.metrics else []
    app = Starlette(
        routes=routes,
        middleware=[*measuring,
                    Middleware(ServedResponsesMiddleware, services=services),
                    Middleware(ClientCorsMiddleware),
                    Middleware(LicenceHeadersMiddleware, licence=services.site_licence),
                    Middleware(SecurityHeadersMiddleware),
                    Middleware(CrawlerGateMiddleware, services=services)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.services = services
    return app
