"""create_app(config) -> Starlette: joins each package's routes; the lifespan checks the database."""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware

from fediart.activitypub.routes import routes as activitypub_routes
from fediart.config import Config
from fediart.licence.middleware import LicenceHeadersMiddleware
from fediart.licence.routes import routes as licence_routes
from fediart.services import build_services
from fediart.store.accounts import ensure_instance_actor
from fediart.store.migrate import current_and_head
from fediart.web.routes import routes as web_routes

log = logging.getLogger("fediart")


class DatabaseNotReady(RuntimeError):
    pass


def create_app(config: Config, engine: AsyncEngine | None = None) -> Starlette:
    services = build_services(config, engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        current, head = await current_and_head(services.engine)
        if current != head:
            raise DatabaseNotReady(
                f"database schema is at {current or 'nothing'}, code needs {head}: run `fediart migrate`"
            )
        async with services.sessions() as session:
            await ensure_instance_actor(session)
        log.info("fediart serving %s", config.base_url)
        yield
        if engine is None:
            await services.engine.dispose()

    app = Starlette(
        routes=[*activitypub_routes, *licence_routes, *web_routes],
        middleware=[Middleware(LicenceHeadersMiddleware, licence=services.site_licence)],
        lifespan=lifespan,
    )
    app.state.services = services
    return app
