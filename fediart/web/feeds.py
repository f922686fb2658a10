"""An artist's Atom 1.0 feed (/@{username}.atom, /users/{username}.atom): their public posts, licence included.

Built with ElementTree, so every text is escaped as XML; characters XML 1.0 cannot carry are dropped
first (ElementTree would write them and break the feed for every reader).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.activitypub.convert import iso, post_licence
from fediart.licence.headers import http_headers
from fediart.licence.model import Licence
from fediart.services import Services, services_of
from fediart.store.accounts import get_artist
from fediart.store.posts import feed_posts, media_for
from fediart.store.tables import Account, Media, Post
from fediart.web.pages import render_page
from fediart.web.safety import safe_html
from fediart.web.works import artist_name, excerpt

ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml"
ENTRIES = 20
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(value: str) -> str:
    return _NOT_XML.sub("", value)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _licence_links(parent: ET.Element, licence: Licence) -> None:
    """`<rights>` in plain words and `<link rel="license">` (RFC 4946) to the licence."""
    _add(parent, "rights", licence.summary)
    # All rights reserved has no licence document: the terms page is the licence then.
    _add(parent, "link", rel="license", href=licence.url or licence.usage_info_url)


def _content(services: Services, post: Post, media: list[Media], page_url: str, name: str) -> str:
    """The entry's HTML: the sanitised words and the images; behind a content warning, only the warning."""
    if post.summary:
        return str(Markup('<p>Content warning: {}. <a href="{}">See the work on its page</a>.</p>')
                   .format(post.summary, page_url))
    parts = [str(safe_html(post.content))]
    if post.sensitive and media:
        # Sensitive images are not put in front of a reader who did not choose to see them.
        parts.append(str(Markup('<p><a href="{}">Sensitive images: see them on the work’s page</a>.</p>')
                         .format(page_url)))
        return "".join(parts)
    for m in media:
        parts.append(str(Markup('<p><img src="{}" alt="{}" width="{}" height="{}"></p>').format(
            services.urls.media(m.display_file or m.file), m.description.strip() or f"Artwork by {name}",
            m.width, m.height)))
    return "".join(parts)


def _title(post: Post, media: list[Media], name: str) -> str:
    if post.summary:
        return post.summary
    return excerpt(post.source, 80) or (f"Artwork by {name}" if media else f"Post by {name}")


def feed_xml(services: Services, account: Account, posts: list[Post], media: dict[int, list[Media]]) -> bytes:
    """The Atom document of `posts` (newest first) by `account`."""
    urls = services.urls
    username, name = account.username, artist_name(account)
    licence = services.licence_for(account)
    feed_url, profile_url = urls.profile(username) + ".atom", urls.profile(username)
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "id", feed_url)
    _add(feed, "title", f"{name} (@{username}@{services.config.domain})")
    _add(feed, "subtitle", f"Works by {name} on {services.config.server.instance_name}")
    newest = max((p.updated or p.published for p in posts), default=account.updated_at)
    _add(feed, "updated", iso(newest))
    author = _add(feed, "author")
    _add(author, "name", name)
    _add(author, "uri", profile_url)
    _add(feed, "link", rel="self", type=ATOM_TYPE, href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=profile_url)
    _licence_links(feed, licence)
    if account.avatar_file:
        _add(feed, "icon", urls.media(account.avatar_file))
    _add(feed, "generator", "fediart")
    for post in posts:
        page_url = urls.status_page(username, post.id)
        images = media.get(post.id, [])
        entry = _add(feed, "entry")
        _add(entry, "id", urls.status(username, post.id))
        _add(entry, "title", _title(post, images, name))
        _add(entry, "published", iso(post.published))
        _add(entry, "updated", iso(post.updated or post.published))
        _add(entry, "link", rel="alternate", type="text/html", href=page_url)
        _licence_links(entry, post_licence(licence, post.licence_key))
        _add(entry, "content", _content(services, post, images, page_url, name), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


async def feed(request: Request) -> Response:
    services = services_of(request)
    username = request.path_params["username"].lower()
    async with services.sessions() as session:
        account = await get_artist(session, username)
        if account is not None:
            posts = await feed_posts(session, account.id, ENTRIES)
            media = await media_for(session, [p.id for p in posts])
    if account is None:
        return render_page(services, "not_found.html", services.site_licence, status=404,
                           message=f"There is no artist called @{username} here.")
    return Response(feed_xml(services, account, posts, media), media_type=ATOM_TYPE + "; charset=utf-8",
                    headers={**http_headers(services.licence_for(account)), "Cache-Control": "max-age=300, public"})


# Before the actor's /users/{username} route (app.py puts these first), which would take "ana.atom" as a name.
routes = [
    Route("/@{username}.atom", feed),
    Route("/users/{username}.atom", feed),
]
