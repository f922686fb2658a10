"""/tags/NAME: the page a post's Hashtag `href` points to, the artists' public works with that tag as a grid."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.convert import post_licence
from fediart.services import Services, services_of
from fediart.store.posts import media_for, tagged_posts
from fediart.web.pages import render_page
from fediart.web.paging import PER_PAGE, BadPage, Pages, page_number
from fediart.web.works import artist_name, work_tile

# What outbox/compose.py links as a hashtag.
TAG_RE = re.compile(r"^\w{1,100}$")


async def tagged(services: Services, name: str, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """What the page shows of each public post tagged `name` on page `page`, newest first, and
    whether an older page exists."""
    urls = services.urls
    async with services.sessions() as session:
        # One more than a page: whether an older page exists, without counting.
        found = await tagged_posts(session, urls.tag(name), limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
        media = await media_for(session, [post.id for _, post in found[:PER_PAGE]])
    posts = []
    for account, post in found[:PER_PAGE]:
        images = media[post.id]
        tile = work_tile(services, account, post, images[0] if images else None, len(images))
        tile.update(author=artist_name(account), handle=f"@{account.username}@{services.config.domain}",
                    profile_url=urls.profile(account.username),
                    licence=post_licence(services.licence_for(account), post.licence_key))
        posts.append(tile)
    return posts, len(found) > PER_PAGE


async def tag_page(request: Request) -> Response:
    services = services_of(request)
    name = request.path_params["name"]
    if not TAG_RE.match(name):
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message="That is not a hashtag.")
    try:
        number = page_number(request.query_params.get("page"))
    except BadPage:
        return render_page(services, "bad_page.html", services.site_licence, status=400,
                           back=services.urls.tag(name), message="That is not a page of this tag: pages are numbered 1, 2, 3…")
    posts, has_older = await tagged(services, name, number)
    return render_page(services, "tag.html", services.site_licence, tag=name.lower(), posts=posts,
                       pages=Pages(services.urls.tag(name), number, has_older))
