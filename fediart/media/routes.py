"""GET /media/{username}/{file}: an artist's stored images, each with the licence of its post.

Receivers cache and re-serve these files, so the licence headers on the file itself matter most.
The path is checked against a strict pattern and the file must be one the database knows
(an attachment, its display rendition or thumbnail, an avatar or header): a deleted post's files stop
being served at once, and nothing outside the media storage can be named. The bytes come from the
storage (media/storage.py), whole or the one range asked for (media/ranges.py), with the same headers
from a local folder as from a bucket.

A signed file's detached Content Credentials manifest is served at "<file>.c2pa" (application/c2pa)
under the same rules, and the file announces it: `Link: <…/file.c2pa>; rel="c2pa-manifest"`.
"""

from __future__ import annotations

import mimetypes
import re

from sqlmodel import or_, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.activitypub.convert import post_licence
from fediart.cache import Rendered
from fediart.http import error
from fediart.licence.headers import http_headers
from fediart.media.encode import EXTENSIONS, MEDIA_TYPES
from fediart.media.object_headers import RENDITION_CACHING
from fediart.media.serve import open_stored, stored_response
from fediart.media.store import SIDECAR
from fediart.media.throttle import throttled
from fediart.services import Services, services_of
from fediart.store.accounts import USERNAME_RE, get_account
from fediart.store.tables import Media, Post

# What save_image writes ("<hex>.<ext>", "<hex>-small.<ext>", "<hex>-display.<ext>") and what avatars look like; no dots
# but the extension, so no "..", and no hidden temporary files.
FILE_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}\.[a-z0-9]{2,5}$")
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
_TYPE_BY_EXTENSION = {extension: MEDIA_TYPES[fmt] for fmt, extension in EXTENSIONS.items()}
_NOT_FOUND = Rendered(b"", "", {}, status=404)


async def _describe(services: Services, username: str, name: str) -> Rendered:
    """The content type and headers of a stored file (cached), or a 404 marker."""
    key = ("media", username, name)
    found = services.cache.get(key)
    if found is not None:
        return found
    relative = f"{username}/{name}"
    async with services.sessions() as session:
        account = await get_account(session, username)
        row = None
        if account is not None:
            row = (await session.exec(
                select(Media, Post).join(Post, Post.id == Media.post_id, isouter=True)
                .where(Media.account_id == account.id,
                       or_(Media.file == relative, Media.display_file == relative, Media.thumbnail_file == relative))
            )).first()
    if account is None or account.kind != "person":
        found = _NOT_FOUND
    elif row is not None:
        media, post = row
        if post is not None and post.deleted_at is not None:
            found = _NOT_FOUND
        else:
            licence = post_licence(services.licence_for(account), post.licence_key if post else None)
            if relative == media.file:
                kind = media.media_type
            elif relative == media.thumbnail_file:
                kind = media.thumbnail_media_type
            else:  # the display rendition: the file's format, or PNG for a GIF's (no column of its own)
                kind = _TYPE_BY_EXTENSION.get(name.rpartition(".")[2], "")
            found = Rendered(b"", kind, http_headers(licence))
    elif relative in (account.avatar_file, account.header_file):
        kind = mimetypes.guess_type(name)[0] or ""
        found = Rendered(b"", kind, http_headers(services.licence_for(account)))
    else:
        found = _NOT_FOUND
    if found.status == 200 and found.media_type not in IMAGE_TYPES:
        found = _NOT_FOUND  # only images ever leave this route, whatever a row says
    return services.cache.put(key, found)


def _with_manifest_link(headers: dict[str, str], url: str) -> dict[str, str]:
    # Appended to the licence's Link header: one field, comma-separated links (RFC 8288).
    link = f'<{url}>; rel="c2pa-manifest"'
    existing = headers.get("Link") or headers.get("link")
    merged = {k: v for k, v in headers.items() if k.lower() != "link"}
    merged["Link"] = f"{existing}, {link}" if existing else link
    return merged


async def media_file(request: Request) -> Response:
    refused = throttled(request, services_of(request))
    if refused is not None:
        return refused
    username = request.path_params["username"]
    name = request.path_params["file"]
    image_name = name.removesuffix(SIDECAR)
    if not USERNAME_RE.match(username) or not FILE_RE.match(image_name):
        return error(404, "no such file")
    services = services_of(request)
    described = await _describe(services, username, image_name)
    stored = f"{username}/{name}"
    if described.status != 200:
        return error(404, "no such file")
    opened = await open_stored(services.storage, stored, request)
    if opened is None:
        return error(404, "no such file")
    media_type, headers = described.media_type, dict(described.headers)
    if name != image_name:
        media_type = "application/c2pa"
    elif await services.storage.exists_async(stored + SIDECAR):
        headers = _with_manifest_link(headers, services.urls.media(f"{username}/{name}{SIDECAR}"))
    headers = {
        **headers,
        # The name is random and never reused: caches may keep the file for good.
        "Cache-Control": RENDITION_CACHING,
        "X-Content-Type-Options": "nosniff",
        # Opened directly, a file is a document of its own: it may load and run nothing.
        "Content-Security-Policy": "default-src 'none'; sandbox",
        # Web clients on other origins (Elk, Phanpy) draw these into canvases.
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    return stored_response(request, opened, media_type, headers, name)


routes = [Route("/media/{username}/{file}", media_file)]
