"""The post page people see: the work with its alt text, the words, and the licence in words and markup.

Reached through activitypub/objects.py, which negotiates /@{name}/{id} and
/users/{name}/statuses/{id} between this page and the Note (so the routes live there). A deleted
post answers 410, a followers-only or direct one 404, exactly as the Note does.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.convert import iso, post_licence
from fediart.cache import Rendered
from fediart.http import respond
from fediart.licence.html import schema_org
from fediart.licence.model import Licence
from fediart.services import Services, services_of
from fediart.store.accounts import USERNAME_RE
from fediart.store.posts import PUBLICLY_VISIBLE, get_post, media_for
from fediart.store.tables import Account, Media, Post
from fediart.web.pages import render_page

_EXCERPT = 200


def _rendered(services: Services, template: str, licence: Licence, *, status: int = 200, **context: Any) -> Rendered:
    page = render_page(services, template, licence, status=status, **context)
    headers = {k: v for k, v in page.headers.items() if k not in ("content-length", "content-type")}
    return Rendered(page.body, "text/html; charset=utf-8", headers, status=status)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[:_EXCERPT - 1].rstrip() + "…"


def _schema(services: Services, account: Account, post: Post, media: list[Media], licence: Licence,
            title: str) -> dict[str, Any]:
    """schema.org SocialMediaPosting with an ImageObject per image, each carrying the licence."""
    urls = services.urls
    page, profile = urls.status_page(account.username, post.id), urls.profile(account.username)
    doc = schema_org(licence, kind="SocialMediaPosting", url=page, name=title, creator_url=profile)
    doc["datePublished"] = iso(post.published)
    if post.updated:
        doc["dateModified"] = iso(post.updated)
    images = []
    for m in media:
        image = schema_org(licence, kind="ImageObject", url=page, name=m.description or title,
                           image=urls.media(m.file), creator_url=profile)
        image.pop("@context")
        image.update(thumbnailUrl=urls.media(m.thumbnail_file), width=m.width, height=m.height)
        if m.description:
            image["caption"] = m.description
        images.append(image)
    if images:
        doc["image"] = images
    return doc


async def _render(services: Services, username: str, post_id: int) -> Rendered:
    found = None
    if USERNAME_RE.match(username):
        async with services.sessions() as session:
            found = await get_post(session, username, post_id)
            media = (await media_for(session, [post_id]))[post_id] if found else []
    if found is None or found[0].kind != "person" or found[1].visibility not in PUBLICLY_VISIBLE:
        return _rendered(services, "not_found.html", services.site_licence, status=404,
                         message="There is no such post here.")
    account, post = found
    urls = services.urls
    licence = post_licence(services.licence_for(account), post.licence_key)
    name = account.display_name or account.username
    handle = f"@{account.username}@{services.config.domain}"
    profile = {"name": name, "handle": handle, "profile_url": urls.profile(account.username),
               "avatar_url": urls.media(account.avatar_file) if account.avatar_file else None}
    if post.deleted_at is not None:
        return _rendered(services, "gone.html", licence, status=410, **profile)
    title = f"{name} ({handle})"
    images = [{"url": urls.media(m.file), "alt": m.description, "width": m.width, "height": m.height} for m in media]
    hidden = bool(post.summary or post.sensitive)
    return _rendered(
        services, "post.html", licence, schema=_schema(services, account, post, media, licence, title),
        **profile, title=title, post=post, images=images, hidden=hidden,
        note_id=urls.status(account.username, post.id), page_url=urls.status_page(account.username, post.id),
        published=iso(post.published), updated=iso(post.updated) if post.updated else None,
        description=post.summary or _excerpt(post.source) or (media[0].description if media else ""),
        # A preview card would show what a content warning or sensitive flag hides.
        og_image=images[0]["url"] if images and not hidden else None,
    )


async def post_page(request: Request) -> Response:
    """The HTML page of a post (cached per account, like the Note)."""
    services = services_of(request)
    username, post_id = request.path_params["username"].lower(), request.path_params["status_id"]
    key = ("post-page", username, post_id)
    rendered = services.cache.get(key) or services.cache.put(key, await _render(services, username, post_id))
    return respond(rendered)


routes: list = []  # see the module docstring: activitypub/objects.py routes to post_page
