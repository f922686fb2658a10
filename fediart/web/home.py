"""The instance front page (who exposes work here) and its about page (who runs it, on what terms)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.services import services_of
from fediart.store.accounts import list_accounts
from fediart.web.pages import render_page


async def home(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        accounts = await list_accounts(session)
    artists = [
        {"name": a.display_name or a.username, "handle": f"@{a.username}@{services.config.domain}",
         "url": services.urls.profile(a.username),
         "avatar": services.urls.media(a.avatar_file) if a.avatar_file else None}
        for a in accounts
    ]
    return render_page(services, "home.html", services.site_licence, artists=artists,
                       description=services.config.server.instance_description)


async def about(request: Request) -> Response:
    """The instance's about page: the instance actor's `url` and WebFinger profile page."""
    services = services_of(request)
    server = services.config.server
    return render_page(services, "about.html", services.site_licence, description=server.instance_description,
                       admin_email=server.admin_email, domain=services.config.domain)
