"""Every client-API and OAuth route, joined in one list for create_app."""

from __future__ import annotations

from fediart.api import accounts, follow_requests, search

routes: list = [*accounts.routes, *follow_requests.routes, *search.routes]
