"""/tags/NAME: the page a post's Hashtag `href` points to, listing the artists' public posts with that tag."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.convert import post_licence
from fediart.services import Services, services_of
from fediart.store.posts import media_for, tagged_posts
from fediart.web.pages import render_page

# What outbox/compose.py links as a hashtag.
TAG_RE = re.compile(r"^\w{1,100}$")


async def tagged(services: Services, name: str) -> list[dict[str, Any]]:
    """What the page shows of each public post tagged `name`, newest first."""
    urls = services.urls
    async with services.sessions() as session:
        found = await tagged_posts(session, urls.tag(name))
        media = await media_for(session, [post.id for _, post in found])
    posts = []
    for account, post in found:
        first = media[post.id][0] if media[post.id] else None
        posts.append({
            "url": urls.status_page(account.username, post.id), "content": post.content,
            "author": account.display_name or account.username,
            "handle": f"@{account.username}@{services.config.domain}", "profile_url": urls.profile(account.username),
            "licence": post_licence(services.licence_for(account), post.licence_key),
            "hidden": bool(post.summary or post.sensitive), "summary": post.summary,
            "thumbnail": urls.media(first.thumbnail_file) if first else None, "alt": first.description if first else "",
            "published": post.published.strftime("%Y-%m-%d"),
        })
    return posts


async def tag_page(request: Request) -> Response:
    services = services_of(request)
    name = request.path_params["name"]
    if not TAG_RE.match(name):
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message="That is not a hashtag.")
    return render_page(services, "tag.html", services.site_licence, tag=name.lower(),
                       posts=await tagged(services, name))
