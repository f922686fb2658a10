"""GET /originals/{username}/{file}: a full-resolution original, only to whom its artist allows.

The address is the file's own random name (not the media id): ids are time-sortable and shown in the
API, so under "everyone" an id-based address could be enumerated, while this one is known only to
those the artist's pages or API showed it to. Anyone not allowed gets the same 404 as for a file that
does not exist, so a refusal does not even confirm there is an original.

GET /originals/download/{secret}: the same file through a signed download link the artist issued
(actions/originals.py), while it is neither expired nor revoked.
"""

from __future__ import annotations

import re

from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.activitypub.convert import post_licence
from fediart.http import error
from fediart.licence.headers import http_headers
from fediart.media.object_headers import ORIGINAL_CACHING
from fediart.media.original_access import effective_access, may_fetch
from fediart.media.routes import FILE_RE
from fediart.media.serve import open_stored, stored_response
from fediart.media.store import ORIGINALS
from fediart.media.throttle import throttled
from fediart.services import Services, services_of
from fediart.store.accounts import USERNAME_RE
from fediart.store.states import OriginalAccess
from fediart.store.tables import Account, Media, Post

SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


async def serve_original(services: Services, request: Request, account: Account, media: Media,
                         post: Post | None, *, public: bool) -> Response:
    """The original file with its post's licence headers; cached by nobody but the browser unless public."""
    opened = await open_stored(services.storage, media.original_file, request)
    if opened is None:
        return _not_found()
    extension = media.original_file.rpartition(".")[2]
    licence = post_licence(services.licence_for(account), post.licence_key if post else None)
    kind = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}.get(
        extension, "application/octet-stream")
    headers = {
        **http_headers(licence),
        # Public for an hour at most: an artist who closes access again is obeyed soon by caches too.
        "Cache-Control": "public, max-age=3600" if public else ORIGINAL_CACHING,
        # Who asks changes the answer: a shared cache must not hand one person's answer to another.
        "Vary": "Cookie, Signature",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return stored_response(request, opened, kind, headers, media.original_file.rpartition("/")[2])


def _not_found(message: str = "no such file") -> Response:
    # The same for a refusal and for nothing there; never cached, since the next asker may be allowed.
    response = error(404, message)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Cookie, Signature"
    return response


async def _live(services: Services, media: Media | None) -> tuple[Account, Post | None] | None:
    """The image's artist and post when it may be served at all (a person's, post not deleted)."""
    if media is None or not media.original_file:
        return None
    async with services.sessions() as session:
        account = await session.get(Account, media.account_id)
        post = await session.get(Post, media.post_id) if media.post_id is not None else None
    if account is None or account.kind != "person" or (post is not None and post.deleted_at is not None):
        return None
    return account, post


async def original_file(request: Request) -> Response:
    services = services_of(request)
    refused = throttled(request, services)
    if refused is not None:
        return refused
    username, name = request.path_params["username"], request.path_params["file"]
    if not USERNAME_RE.match(username) or not FILE_RE.match(name):
        return _not_found()
    async with services.sessions() as session:
        media = (await session.exec(select(Media).where(
            Media.original_file == f"{ORIGINALS}/{username}/{name}"))).first()
    found = await _live(services, media)
    if found is None:
        return _not_found()
    account, post = found
    if not await may_fetch(services, request, account, post):
        return _not_found()
    public = effective_access(account, post) == OriginalAccess.EVERYONE
    return await serve_original(services, request, account, media, post, public=public)


async def download(request: Request) -> Response:
    # Imported here: the action module imports this one's serve_original for nothing, but keeps
    # the route table free of the actions package at import time.
    from fediart.actions.originals import media_for_secret

    services = services_of(request)
    refused = throttled(request, services)
    if refused is not None:
        return refused
    secret = request.path_params["secret"]
    media = await media_for_secret(services, secret) if SECRET_RE.match(secret) else None
    found = await _live(services, media)
    if found is None:
        return _not_found("no such link")
    account, post = found
    return await serve_original(services, request, account, media, post, public=False)


routes = [
    Route("/originals/download/{secret}", download),
    Route("/originals/{username}/{file}", original_file),
]
