"""Every client-API and OAuth route, joined in one list for create_app."""

from __future__ import annotations

from fediart.api import media, statuses

routes: list = [*statuses.routes, *media.routes]
