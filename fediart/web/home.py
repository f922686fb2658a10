"""The instance front page (who exposes work here, with their latest works) and its about page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.services import services_of
from fediart.store.accounts import list_accounts
from fediart.store.posts import latest_works
from fediart.web.pages import render_page
from fediart.web.works import artist_name, work_tile

WORKS_PER_ARTIST = 4


async def home(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        accounts = await list_accounts(session)
        # Every artist's latest works in one query, however many artists there are.
        works = await latest_works(session, [a.id for a in accounts], WORKS_PER_ARTIST)
    artists = [
        {"name": artist_name(a), "handle": f"@{a.username}@{services.config.domain}",
         "url": services.urls.profile(a.username),
         "avatar": services.urls.media(a.avatar_file) if a.avatar_file else None,
         "works": [work_tile(services, a, w.post, w.cover, w.images) for w in works.get(a.id, [])]}
        for a in accounts
    ]
    return render_page(services, "home.html", services.site_licence, artists=artists,
                       description=services.config.server.instance_description,
                       about_url=f"{services.urls.base}/about")


async def about(request: Request) -> Response:
    """The instance's about page: the instance actor's `url` and WebFinger profile page."""
    services = services_of(request)
    server = services.config.server
    return render_page(services, "about.html", services.site_licence, description=server.instance_description,
                       admin_email=server.admin_email, domain=services.config.domain)
