"""An artist's albums for visitors: /@{name}/albums (each with title, count and cover) and one album's
works as the profile's grid (/@{name}/albums/{id}, 24 a page), under the artist's licence.

The album address is negotiated in activitypub/albums.py: servers get the OrderedCollection there.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from fediart.actions.albums import PAGE_SIZE, album_page as works_of_album, find_album, list_albums
from fediart.actions.errors import ActionError
from fediart.licence.html import schema_org
from fediart.services import Services, services_of
from fediart.store.accounts import get_artist
from fediart.store.albums import AlbumWork
from fediart.store.tables import Account
from fediart.urls import Urls
from fediart.web.pages import render_page
from fediart.web.paging import BadPage, Pages, page_number
from fediart.web.works import artist_name, work_tile


def album_uri(urls: Urls, username: str, album_id: int) -> str:
    """The album's ActivityPub id."""
    return f"{urls.actor(username)}/albums/{album_id}"


def album_url(urls: Urls, username: str, album_id: int) -> str:
    """The album's page for people (negotiated too)."""
    return f"{urls.profile(username)}/albums/{album_id}"


def albums_url(urls: Urls, username: str) -> str:
    return f"{urls.profile(username)}/albums"


def _tile(services: Services, account: Account, work: AlbumWork) -> dict:
    return work_tile(services, account, work.post, work.cover, work.images)


def _not_found(services: Services, message: str) -> Response:
    return render_page(services, "not_found.html", services.site_licence, status=404, message=message)


async def albums_list(request: Request) -> Response:
    services = services_of(request)
    username = request.path_params["username"].lower()
    async with services.sessions() as session:
        account = await get_artist(session, username)
    if account is None:
        return _not_found(services, f"There is no artist called @{username} here.")
    urls = services.urls
    albums = [{"title": s.album.title, "count": s.count, "url": album_url(urls, username, s.album.id),
               "cover": _tile(services, account, s.first) if s.first else None}
              for s in await list_albums(services, account)]
    licence = services.licence_for(account)
    schema = schema_org(licence, kind="CollectionPage", url=albums_url(urls, username),
                        name=f"Albums by {artist_name(account)}", creator_url=urls.profile(username))
    return render_page(services, "albums.html", licence, schema=schema, account=account, albums=albums,
                       name=artist_name(account), profile_url=urls.profile(username))


async def album_page(request: Request) -> Response:
    services = services_of(request)
    username = request.path_params["username"].lower()
    try:
        account, album = await find_album(services, username, request.path_params["album_id"])
    except ActionError:
        return _not_found(services, "There is no such album here.")
    urls = services.urls
    licence = services.licence_for(account)
    page_url = album_url(urls, username, album.id)
    try:
        number = page_number(request.query_params.get("page"))
    except BadPage:
        return render_page(services, "bad_page.html", licence, status=400, back=page_url,
                           message="That is not a page of this album: pages are numbered 1, 2, 3…")
    found = await works_of_album(services, album, number, PAGE_SIZE)
    schema = schema_org(licence, kind="CollectionPage", url=page_url, name=album.title,
                        creator_url=urls.profile(username))
    return render_page(services, "album_page.html", licence, schema=schema, account=account, album=album,
                       name=artist_name(account), profile_url=urls.profile(username),
                       albums_url=albums_url(urls, username), collection_url=album_uri(urls, username, album.id),
                       works=[_tile(services, account, w) for w in found.works], total=found.total,
                       pages=Pages(page_url, number, has_older=found.has_more))
