"""The post page people see: the work (display rendition, srcset, alt text), the words, its likes,
boosts and public replies, and the licence in words and markup (Open Graph, schema.org).

Reached through activitypub/objects.py, which negotiates /@{name}/{id} and
/users/{name}/statuses/{id} between this page and the Note (so the routes live there). A deleted
post answers 410, a followers-only or direct one 404, exactly as the Note does.
"""

from __future__ import annotations

import asyncio

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from fediart.activitypub.convert import iso, post_licence
from fediart.cache import POST_PAGE, Rendered
from fediart.credentials.panel import credentials_panel
from fediart.http import respond
from fediart.licence.html import schema_org
from fediart.licence.model import Licence
from fediart.media.provenance import is_ai_generated
from fediart.media.renditions import Shown, shown
from fediart.services import Services, services_of
from fediart.store.accounts import USERNAME_RE
from fediart.store.posts import PUBLICLY_VISIBLE, get_post, media_for
from fediart.store.tables import Account, Media, Post
from fediart.web.pages import as_rendered, render_page
from fediart.web.post_thread import Thread, thread_of

_EXCERPT = 200


def _rendered(services: Services, template: str, licence: Licence, *, status: int = 200, **context: Any) -> Rendered:
    return as_rendered(render_page(services, template, licence, status=status, **context))


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[:_EXCERPT - 1].rstrip() + "…"


def _pixels(value: int) -> dict[str, Any]:
    # A bare number would be ambiguous on a VisualArtwork, whose width is the physical work's.
    return {"@type": "QuantitativeValue", "value": value, "unitCode": "E37", "unitText": "px"}


def _schema(services: Services, account: Account, post: Post, media: list[Media], licence: Licence,
            title: str, thread: Thread) -> dict[str, Any]:
    """schema.org SocialMediaPosting with each image an ImageObject and VisualArtwork carrying the licence.

    ImageObject is what Google Images reads the licence from (contentUrl plus license, acquireLicensePage,
    creditText, copyrightNotice, creator); VisualArtwork says it is a work of art; JSON-LD allows both."""
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
        image["@type"] = ["ImageObject", "VisualArtwork"]
        image.update(thumbnailUrl=urls.media(m.thumbnail_file), encodingFormat=m.media_type,
                     width=_pixels(m.width), height=_pixels(m.height))
        if m.description:
            image["caption"] = m.description
        images.append(image)
    if images:
        doc["image"] = images
    doc["interactionStatistic"] = [
        {"@type": "InteractionCounter", "interactionType": f"https://schema.org/{action}", "userInteractionCount": n}
        for action, n in (("LikeAction", thread.likes), ("ShareAction", thread.boosts))]
    doc["commentCount"] = len(thread.replies)
    return doc


def _image(view: Shown, alt: str) -> dict[str, Any]:
    return {"url": view.display.url, "full_url": view.full.url, "alt": alt, "width": view.display.width,
            "height": view.display.height, "srcset": view.srcset if len(view.candidates) > 1 else None}


def _public(found: tuple[Account, Post] | None) -> bool:
    return found is not None and found[0].kind == "person" and found[1].visibility in PUBLICLY_VISIBLE


async def _render(services: Services, username: str, post_id: int) -> Rendered:
    found, media, thread = None, [], None
    if USERNAME_RE.match(username):
        async with services.sessions() as session:
            found = await get_post(session, username, post_id)
            if _public(found) and found[1].deleted_at is None:
                media = (await media_for(session, [post_id]))[post_id]
                thread = await thread_of(session, services, *found)
    if not _public(found):
        return _rendered(services, "not_found.html", services.site_licence, status=404,
                         message="There is no such post here.")
    account, post = found
    urls = services.urls
    licence = post_licence(services.licence_for(account), post.licence_key)
    name = account.display_name or account.username
    handle = f"@{account.username}@{services.config.domain}"
    profile = {"name": name, "handle": handle, "profile_url": urls.profile(account.username),
               "avatar_url": urls.media(account.avatar_file) if account.avatar_file else None}
    if thread is None:  # the post was deleted
        return _rendered(services, "gone.html", licence, status=410, **profile)
    title = f"{name} ({handle})"
    # Off the event loop: a file shown as itself is peeked at (from the bucket, on S3).
    renditions = await asyncio.to_thread(lambda: [shown(m, services.storage, urls.media) for m in media])
    images = [{**_image(each, m.description), "ai_generated": is_ai_generated(m.digital_source_type)}
              for each, m in zip(renditions, media)]
    # Read from the file pages show (the page itself is cached); off the event loop: it hashes the file.
    credentials = await asyncio.to_thread(
        credentials_panel, services.config, services.storage, media[0].display_file or media[0].file
    ) if media else None
    hidden = bool(post.summary or post.sensitive)
    return _rendered(
        services, "post.html", licence, schema=_schema(services, account, post, media, licence, title, thread),
        **profile, title=title, post=post, images=images, hidden=hidden, thread=thread, credentials=credentials,
        note_id=urls.status(account.username, post.id), page_url=urls.status_page(account.username, post.id),
        published=iso(post.published), updated=iso(post.updated) if post.updated else None,
        description=post.summary or _excerpt(post.source) or (media[0].description if media else ""),
        # A preview card would show what a content warning or sensitive flag hides.
        og_image=images[0] if images and not hidden else None,
    )


async def post_page(request: Request) -> Response:
    """The HTML page of a post (cached per account, like the Note, and forgotten on each interaction)."""
    services = services_of(request)
    username, post_id = request.path_params["username"].lower(), request.path_params["status_id"]
    key = (POST_PAGE, username, post_id)
    rendered = services.cache.get(key) or services.cache.put(key, await _render(services, username, post_id))
    return respond(rendered)


routes: list = []  # see the module docstring: activitypub/objects.py routes to post_page
