"""Studio pages for albums: the list with a form to start one (/studio/albums) and one album
(/studio/albums/{id}): rename and describe it, add recent works, move or remove works, delete it.

Every form goes through `studio.form()` (the CSRF check) and one action of actions/albums.py; another
artist's album is a 404 there, as if it did not exist.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.albums import (MAX_ITEMS, add_to_album, addable_posts, album_page, create_album, delete_album,
                                    list_albums, move_in_album, own_album, remove_from_album, update_album)
from fediart.actions.errors import ActionError
from fediart.activitypub.convert import iso
from fediart.web.albums import album_url
from fediart.web.studio.base import Studio, studio_page, text
from fediart.web.works import excerpt, work_tile


def _path(album_id: int) -> str:
    return f"/studio/albums/{album_id}"


async def _albums(studio: Studio, *, error: str | None = None, status: int = 200, title: str = "",
                  description: str = "") -> Response:
    albums = await list_albums(studio.services, studio.account)
    return studio.render("studio/albums.html", status=status, albums=albums, error=error, title=title,
                         description=description)


@studio_page
async def albums_page(request: Request, studio: Studio) -> Response:
    return await _albums(studio)


@studio_page
async def create(request: Request, studio: Studio) -> Response:
    form = await studio.form()
    title, description = text(form, "title"), text(form, "description")
    try:
        album = await create_album(studio.services, studio.account, title, description)
    except ActionError as exc:
        # The form comes back filled in: the artist loses nothing they typed.
        return await _albums(studio, error=exc.message, status=exc.status, title=title, description=description)
    return studio.done(_path(album.id), "album_created")


async def _editor(studio: Studio, album_id: int, *, error: str | None = None, status: int = 200,
                  draft: dict[str, str] | None = None) -> Response:
    services, account = studio.services, studio.account
    album = await own_album(services, account, album_id)
    found = await album_page(services, album, 1, MAX_ITEMS)
    works = [{**work_tile(services, account, w.post, w.cover, w.images), "id": w.post.id} for w in found.works]
    inside = {w["id"] for w in works}
    offered = [{"id": p.id, "label": f"{excerpt(p.source, 60) or 'Untitled'} ({iso(p.published)[:10]})"}
               for p in await addable_posts(services, account) if p.id not in inside]
    return studio.render("studio/album.html", status=status, album=album, works=works, offered=offered,
                         error=error, draft=draft or {"title": album.title, "description": album.description},
                         public_url=album_url(services.urls, account.username, album.id))


@studio_page
async def album_editor(request: Request, studio: Studio) -> Response:
    return await _editor(studio, request.path_params["album_id"])


@studio_page
async def update(request: Request, studio: Studio) -> Response:
    form = await studio.form()
    album_id = request.path_params["album_id"]
    draft = {"title": text(form, "title"), "description": text(form, "description")}
    try:
        await update_album(studio.services, studio.account, album_id, **draft)
    except ActionError as exc:
        if exc.status == 404:
            raise
        return await _editor(studio, album_id, error=exc.message, status=exc.status, draft=draft)
    return studio.done(_path(album_id), "album_saved")


@studio_page
async def delete(request: Request, studio: Studio) -> Response:
    await studio.form()
    await delete_album(studio.services, studio.account, request.path_params["album_id"])
    return studio.done("/studio/albums", "album_deleted")


@studio_page
async def add(request: Request, studio: Studio) -> Response:
    form = await studio.form()
    album_id = request.path_params["album_id"]
    chosen = [v for v in form.getlist("post_id") if isinstance(v, str) and v]
    if not chosen:
        raise ActionError("Choose a work to add.")
    await add_to_album(studio.services, studio.account, album_id, chosen)
    return studio.done(_path(album_id), "album_added")


@studio_page
async def move(request: Request, studio: Studio) -> Response:
    form = await studio.form()
    album_id = request.path_params["album_id"]
    await move_in_album(studio.services, studio.account, album_id, request.path_params["post_id"],
                        direction=text(form, "direction"))
    return studio.done(_path(album_id), "album_moved")


@studio_page
async def remove(request: Request, studio: Studio) -> Response:
    await studio.form()
    album_id = request.path_params["album_id"]
    await remove_from_album(studio.services, studio.account, album_id, request.path_params["post_id"])
    return studio.done(_path(album_id), "album_item_removed")


routes = [
    Route("/studio/albums", albums_page, methods=["GET"]),
    Route("/studio/albums", create, methods=["POST"]),
    Route("/studio/albums/{album_id:int}", album_editor, methods=["GET"]),
    Route("/studio/albums/{album_id:int}", update, methods=["POST"]),
    Route("/studio/albums/{album_id:int}/delete", delete, methods=["POST"]),
    Route("/studio/albums/{album_id:int}/add", add, methods=["POST"]),
    Route("/studio/albums/{album_id:int}/items/{post_id:int}/move", move, methods=["POST"]),
    Route("/studio/albums/{album_id:int}/items/{post_id:int}/remove", remove, methods=["POST"]),
]
