"""Mastodon's status endpoints: post, read, edit, delete, the thread, history and source; favourite,
boost, bookmark, pin; who favourited or boosted; the artist's bookmarks and favourites.

Each handler parses, calls one action, serialises. Public statuses are readable without a token; a
token, when sent, must be valid, and its account's view decides what else is visible.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import interactions, posts
from fediart.api.auth import authenticate, require_user
from fediart.api.account_entities import accounts_to_api
from fediart.api.formats import VISIBILITY_FROM_API, api_time
from fediart.api.media_entities import media_to_api
from fediart.api.status_entities import status_to_api, statuses_to_api
from fediart.api.errors import ApiError
from fediart.api.json import api_json
from fediart.api.pagination import link_header
from fediart.licence.remote_signals import http_headers as remote_http_headers, signals_of
from fediart.store.pages import Page
from fediart.api.params import Params, read_params
from fediart.services import services_of
from fediart.store.actors import local_actor
from fediart.store.states import InteractionKind
from fediart.store.tables import Account, RemotePost


async def _reader(request: Request) -> Account | None:
    grant = await authenticate(request, "read:statuses", required=False)
    return None if grant is None else grant.account


async def _one(request: Request, item: Any, viewer: Account | None, **extra: Any) -> Response:
    services = services_of(request)
    async with services.sessions() as session:
        doc = await status_to_api(services, session, item, viewer)
    # One remote post: its author's terms, not this site's (the licence middleware adds the site's otherwise).
    headers = remote_http_headers(signals_of(item.licence)) if isinstance(item, RemotePost) else None
    return api_json({**doc, **extra}, headers=headers)


async def _many(request: Request, items: list, viewer: Account | None) -> list[dict[str, Any]]:
    services = services_of(request)
    async with services.sessions() as session:
        return await statuses_to_api(services, session, items, viewer)


def _visibility(params: Params) -> str:
    value = params.text("visibility") or "public"
    if value not in VISIBILITY_FROM_API:
        raise ApiError(422, f"Validation failed: visibility must be one of {', '.join(VISIBILITY_FROM_API)}")
    return VISIBILITY_FROM_API[value]


def _refuse_unsupported(params: Params) -> None:
    # Dropping these silently would publish something other than what the artist asked for.
    if params.sub("poll").strings("options"):
        raise ApiError(422, "Validation failed: polls are not supported on this server")
    if params.text("scheduled_at"):
        raise ApiError(422, "Validation failed: scheduled posts are not supported on this server")


async def create(request: Request) -> Response:
    account = await require_user(request, "write:statuses")
    params = await read_params(request)
    _refuse_unsupported(params)
    post = await posts.create_status(
        services_of(request), account, text=params.text("status") or "", media_ids=params.strings("media_ids"),
        sensitive=params.flag("sensitive"), spoiler_text=params.text("spoiler_text") or "",
        visibility=_visibility(params), in_reply_to_id=params.text("in_reply_to_id") or None,
        language=params.text("language") or None, licence_key=params.text("licence") or None,
        idempotency_key=request.headers.get("idempotency-key"))
    return await _one(request, post, account)


async def show(request: Request) -> Response:
    viewer = await _reader(request)
    item = await posts.show_status(services_of(request), viewer, request.path_params["status_id"])
    return await _one(request, item, viewer)


async def edit(request: Request) -> Response:
    account = await require_user(request, "write:statuses")
    params = await read_params(request)
    post = await posts.edit_status(
        services_of(request), account, request.path_params["status_id"], text=params.text("status"),
        spoiler_text=params.text("spoiler_text"), sensitive=params.flag("sensitive") if "sensitive" in params else None,
        language=params.text("language") or None,
        media_ids=params.strings("media_ids") if "media_ids" in params else None,
        media_attributes=params.items_of("media_attributes"), licence_key=params.text("licence") or None)
    return await _one(request, post, account)


async def delete(request: Request) -> Response:
    account = await require_user(request, "write:statuses")
    params = await read_params(request)
    services = services_of(request)
    post, media = await posts.delete_status(services, account, request.path_params["status_id"],
                                            keep_media=not params.flag("delete_media"))
    # The source text and the images (kept as uploads unless delete_media) let a client offer
    # "delete and redraft".
    return await _one(request, post, account, text=post.source,
                      media_attachments=[media_to_api(m, services.urls) for m in media])


async def context(request: Request) -> Response:
    viewer = await _reader(request)
    up, down = await posts.status_context(services_of(request), viewer, request.path_params["status_id"])
    return api_json({"ancestors": await _many(request, up, viewer), "descendants": await _many(request, down, viewer)})


async def source(request: Request) -> Response:
    account = await require_user(request, "read:statuses")
    post = await posts.status_source(services_of(request), account, request.path_params["status_id"])
    return api_json({"id": str(post.id), "text": post.source, "spoiler_text": post.summary or ""})


async def history(request: Request) -> Response:
    viewer = await _reader(request)
    services = services_of(request)
    post, versions = await posts.status_history(services, viewer, request.path_params["status_id"])
    async with services.sessions() as session:
        author = await local_actor(session, services.urls, await session.get(Account, post.account_id))
        [account] = await accounts_to_api(services, session, [author])
        await session.commit()
    return api_json([{
        "content": v.content, "spoiler_text": v.summary or "", "sensitive": bool(v.sensitive or v.summary),
        "created_at": api_time(v.created_at), "account": account, "poll": None, "emojis": [],
        "media_attachments": [media_to_api(m, services.urls) for m in v.media],
    } for v in versions])


def _interaction(kind: InteractionKind, *, undo: bool, scope: str):
    async def handler(request: Request) -> Response:
        account = await require_user(request, scope)
        services = services_of(request)
        if undo:
            post, _ = await interactions.take_back(services, account, kind, request.path_params["status_id"])
            return await _one(request, post, account)
        post, row, _ = await interactions.interact(services, account, kind, request.path_params["status_id"])
        # /reblog answers with the boost itself, the wrapper whose `reblog` is the post.
        return await _one(request, row if kind == InteractionKind.BOOST else post, account)

    handler.__name__ = f"{'un' if undo else ''}{kind}"
    return handler


async def bookmark(request: Request) -> Response:
    account = await require_user(request, "write:bookmarks")
    post = await interactions.bookmark(services_of(request), account, request.path_params["status_id"])
    return await _one(request, post, account)


async def unbookmark(request: Request) -> Response:
    account = await require_user(request, "write:bookmarks")
    post = await interactions.unbookmark(services_of(request), account, request.path_params["status_id"])
    return await _one(request, post, account)


async def pin(request: Request) -> Response:
    account = await require_user(request, "write:accounts")
    post = await posts.pin_status(services_of(request), account, request.path_params["status_id"])
    return await _one(request, post, account)


async def unpin(request: Request) -> Response:
    account = await require_user(request, "write:accounts")
    post = await posts.unpin_status(services_of(request), account, request.path_params["status_id"])
    return await _one(request, post, account)


def _people(kind: InteractionKind):
    async def handler(request: Request) -> Response:
        viewer = await _reader(request)
        services = services_of(request)
        page = Page.from_params(await read_params(request), default=40, maximum=80)
        listed = await interactions.interacted_by(services, viewer, kind, request.path_params["status_id"], page)
        async with services.sessions() as session:
            docs = await accounts_to_api(services, session, listed.items)
        return api_json(docs, headers=link_header(request, listed.cursors))

    handler.__name__ = f"{kind}_by"
    return handler


async def bookmarks(request: Request) -> Response:
    account = await require_user(request, "read:bookmarks")
    page = Page.from_params(await read_params(request), default=20, maximum=40)
    listed = await interactions.bookmarks(services_of(request), account, page)
    return api_json(await _many(request, listed.items, account), headers=link_header(request, listed.cursors))


async def favourites(request: Request) -> Response:
    account = await require_user(request, "read:favourites")
    page = Page.from_params(await read_params(request), default=20, maximum=40)
    listed = await interactions.favourites(services_of(request), account, page)
    return api_json(await _many(request, listed.items, account), headers=link_header(request, listed.cursors))


_STATUS = "/api/v1/statuses/{status_id}"
routes = [
    Route("/api/v1/statuses", create, methods=["POST"]),
    Route(_STATUS, show, methods=["GET"]),
    Route(_STATUS, edit, methods=["PUT"]),
    Route(_STATUS, delete, methods=["DELETE"]),
    Route(_STATUS + "/context", context, methods=["GET"]),
    Route(_STATUS + "/source", source, methods=["GET"]),
    Route(_STATUS + "/history", history, methods=["GET"]),
    Route(_STATUS + "/favourite", _interaction(InteractionKind.LIKE, undo=False, scope="write:favourites"),
          methods=["POST"]),
    Route(_STATUS + "/unfavourite", _interaction(InteractionKind.LIKE, undo=True, scope="write:favourites"),
          methods=["POST"]),
    Route(_STATUS + "/reblog", _interaction(InteractionKind.BOOST, undo=False, scope="write:statuses"),
          methods=["POST"]),
    Route(_STATUS + "/unreblog", _interaction(InteractionKind.BOOST, undo=True, scope="write:statuses"),
          methods=["POST"]),
    Route(_STATUS + "/bookmark", bookmark, methods=["POST"]),
    Route(_STATUS + "/unbookmark", unbookmark, methods=["POST"]),
    Route(_STATUS + "/pin", pin, methods=["POST"]),
    Route(_STATUS + "/unpin", unpin, methods=["POST"]),
    Route(_STATUS + "/favourited_by", _people(InteractionKind.LIKE), methods=["GET"]),
    Route(_STATUS + "/reblogged_by", _people(InteractionKind.BOOST), methods=["GET"]),
    Route("/api/v1/bookmarks", bookmarks, methods=["GET"]),
    Route("/api/v1/favourites", favourites, methods=["GET"]),
]
