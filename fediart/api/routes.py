"""Every client-API and OAuth route, joined in one list for create_app."""

from __future__ import annotations

from starlette.routing import Route

from fediart.api import (accounts, empty, follow_requests, instance, markers, media, notifications, search,
                         reports, statuses, timelines)
from fediart.api.errors import unknown_api_path
from fediart.api.originals import routes as originals_routes
from fediart.api.openapi import routes as openapi_routes
from fediart.auth.routes import routes as login_routes
from fediart.oauth.routes import routes as oauth_routes

routes: list = [
    *oauth_routes, *login_routes, *instance.routes, *accounts.routes, *follow_requests.routes, *search.routes,
    *statuses.routes, *media.routes, *timelines.routes, *notifications.routes, *markers.routes, *empty.routes,
    *openapi_routes, *reports.routes, *originals_routes,
    # Last: anything else under /api/ is a JSON 404, whatever the method.
    Route("/api/{rest:path}", unknown_api_path, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]),
]
