"""Every client-API and OAuth route, joined in one list for create_app."""

from __future__ import annotations

from fediart.api import empty, instance, markers, notifications, timelines

routes: list = [
    *timelines.routes,
    *notifications.routes,
    *instance.routes,
    *markers.routes,
    *empty.routes,
]
