"""/api/v1/accounts/…, /api/v1/blocks and /api/v1/mutes: parse, call one use case, serialise.

Account ids are actor ids, the same for local artists and remote actors. Reading a profile needs no
token (Mastodon documents it as public); anything about the viewer needs one with the right scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions.originals import parse_access, set_account_access
from fediart.actions import follows, profile, restrictions
from fediart.actions.accounts import actor_by_id, actor_of_account, known_actor, search_accounts
from fediart.actions.errors import NotFound
from fediart.api.auth import authenticate, require_user
from fediart.api.account_entities import accounts_to_api, credential_account_to_api, relationships_to_api
from fediart.api.errors import ApiError
from fediart.api.json import api_json
from fediart.api.pagination import link_header
from fediart.store.pages import Page
from fediart.api.params import Params, read_params
from fediart.services import Services, services_of
from fediart.store.actors import account_of_actor
from fediart.store.states import Restriction
from fediart.store.tables import Account, Actor

MAX_UPLOAD_READ = 64 * 2**20  # a hard stop before the media limits judge the image


async def actor_of(services: Services, actor_id: str) -> Actor:
    async with services.sessions() as session:
        return await actor_by_id(session, actor_id)


async def relationship_doc(services: Services, viewer: Account, actor: Actor) -> dict:
    me = await actor_of_account(services, viewer)
    async with services.sessions() as session:
        return (await relationships_to_api(session, viewer, me, [actor]))[0]


async def accounts_doc(services: Services, actors: list[Actor]) -> list[dict]:
    async with services.sessions() as session:
        return await accounts_to_api(services, session, actors)


async def verify_credentials(request: Request) -> Response:
    services = services_of(request)
    account = await require_user(request, "read:accounts")
    actor = await actor_of_account(services, account)
    async with services.sessions() as session:
        return api_json(await credential_account_to_api(services, session, actor, account))


async def _image(params: Params, key: str) -> bytes | None:
    upload = params.file(key)
    if upload is None:
        if params.get(key) not in (None, ""):
            raise ApiError(422, f"Validation failed: {key} must be an image file")
        return None
    data = await upload.read(MAX_UPLOAD_READ + 1)
    if len(data) > MAX_UPLOAD_READ:
        raise ApiError(422, f"Validation failed: {key} is too large")
    return data


def _optional_flag(params: Params, key: str) -> bool | None:
    return None if params.get(key) is None else params.flag(key)


def _licence_changes(params: Params, changes: profile.ProfileChanges) -> None:
    """fediart's extension: `licence` as a key, or as an object shaped like the one `source.licence` shows."""
    if params.get("licence") is None:
        return
    if isinstance(params.get("licence"), dict):
        sub = params.sub("licence")
        changes.licence_key = sub.text("key")
        training = sub.text("ai_training")
        if training is not None and training not in ("reserved", "allowed"):
            raise ApiError(422, "Validation failed: licence[ai_training] must be reserved or allowed")
        changes.ai_training_reserved = None if training is None else training == "reserved"
        changes.generative_only = _optional_flag(sub, "generative_ai_training_only")
        if sub.get("search_indexing") is not None and changes.indexable is None:
            changes.indexable = sub.flag("search_indexing")
    else:
        changes.licence_key = params.text("licence")


async def update_credentials(request: Request) -> Response:
    services = services_of(request)
    account = await require_user(request, "write:accounts")
    params = await read_params(request)
    fields = None
    if params.get("fields_attributes") is not None:
        fields = [{"name": str(f.get("name") or ""), "value": str(f.get("value") or "")}
                  for f in params.items_of("fields_attributes")]
    changes = profile.ProfileChanges(
        display_name=params.text("display_name"), bio=params.text("note"), fields=fields,
        avatar=await _image(params, "avatar"), header=await _image(params, "header"),
        locked=_optional_flag(params, "locked"), discoverable=_optional_flag(params, "discoverable"),
        indexable=_optional_flag(params, "indexable"), hide_collections=_optional_flag(params, "hide_collections"),
        hide_ai_media=_optional_flag(params, "hide_ai_media"))  # fediart extension
    _licence_changes(params, changes)
    # source[privacy], source[sensitive], source[language], bot: accepted and not kept;
    # fediart has no per-artist posting defaults yet, and an artist is never a bot.
    # fediart extension: who may fetch the artist's originals; checked before anything is changed.
    access = parse_access(params.text("original_access")) if params.text("original_access") is not None else None
    account, _ = await profile.update_profile(services, account, changes)
    if access is not None and access != account.original_access:
        account = await set_account_access(services, account, access.value)
    actor = await actor_of_account(services, account)
    async with services.sessions() as session:
        return api_json(await credential_account_to_api(services, session, actor, account))


async def show(request: Request) -> Response:
    services = services_of(request)
    await authenticate(request, "read:accounts", required=False)
    actor = await actor_of(services, request.path_params["id"])
    return api_json((await accounts_doc(services, [actor]))[0])


async def lookup(request: Request) -> Response:
    services = services_of(request)
    await authenticate(request, "read:accounts", required=False)
    params = await read_params(request)
    acct = (params.text("acct") or "").strip()
    if not acct:
        raise ApiError(400, "Missing parameter: acct")
    actor = await known_actor(services, acct)  # known accounts only: a lookup never reaches the network
    if actor is None or actor.gone:
        raise NotFound()
    async with services.sessions() as session:
        if actor.account_id is not None and await account_of_actor(session, actor) is None:
            raise NotFound()
    return api_json((await accounts_doc(services, [actor]))[0])


async def relationships(request: Request) -> Response:
    services = services_of(request)
    viewer = await require_user(request, "read:follows")
    params = await read_params(request)
    me = await actor_of_account(services, viewer)
    actors = []
    async with services.sessions() as session:
        for raw in params.strings("id")[:100]:
            try:
                actors.append(await actor_by_id(session, raw))
            except NotFound:
                continue  # Mastodon leaves unknown ids out
        return api_json(await relationships_to_api(session, viewer, me, actors))


def _relationship_action(scope: str, action: Callable[[Services, Account, Actor], Awaitable[object]]):
    """A POST /accounts/:id/<verb> handler: the use case on that actor, answered with the Relationship."""
    async def handler(request: Request) -> Response:
        services = services_of(request)
        viewer = await require_user(request, scope)
        actor = await actor_of(services, request.path_params["id"])
        await action(services, viewer, actor)
        return api_json(await relationship_doc(services, viewer, actor))

    return handler


async def accounts_page(request: Request, rows: list[tuple], services: Services) -> Response:
    docs = await accounts_doc(services, [actor for _, actor in rows])
    return api_json(docs, headers=link_header(request, [row.id for row, _ in rows]))


async def _target_account(services: Services, actor: Actor) -> Account | None:
    async with services.sessions() as session:
        return await account_of_actor(session, actor)


async def followers(request: Request) -> Response:
    services = services_of(request)
    await authenticate(request, "read:accounts", required=False)
    actor = await actor_of(services, request.path_params["id"])
    page = Page.from_params(await read_params(request), default=40, maximum=80)
    target = await _target_account(services, actor)
    # Remote actors' follower lists live on their servers; fediart shows none of them.
    rows = await follows.followers(services, target, page) if target is not None else []
    return await accounts_page(request, rows, services)


async def following(request: Request) -> Response:
    services = services_of(request)
    await authenticate(request, "read:accounts", required=False)
    actor = await actor_of(services, request.path_params["id"])
    page = Page.from_params(await read_params(request), default=40, maximum=80)
    target = await _target_account(services, actor)
    rows = await follows.following(services, target, page) if target is not None else []
    return await accounts_page(request, rows, services)


async def search(request: Request) -> Response:
    services = services_of(request)
    await require_user(request, "read:accounts")
    params = await read_params(request)
    page = Page.from_params(params, default=40, maximum=80)
    actors = await search_accounts(services, params.text("q") or "", resolve=params.flag("resolve"),
                                   limit=page.limit, offset=max(0, params.integer("offset", 0) or 0))
    return api_json(await accounts_doc(services, actors))


async def familiar_followers(request: Request) -> Response:
    services = services_of(request)
    await require_user(request, "read:follows")
    params = await read_params(request)
    found = []
    async with services.sessions() as session:
        for raw in params.strings("id")[:100]:
            try:
                actor = await actor_by_id(session, raw)
            except NotFound:
                continue
            # Followers in common are not computed yet; an empty list is what Mastodon sends for none.
            found.append({"id": str(actor.id), "accounts": []})
    return api_json(found)


async def featured_tags(request: Request) -> Response:
    services = services_of(request)
    await authenticate(request, "read:accounts", required=False)
    await actor_of(services, request.path_params["id"])
    return api_json([])  # fediart has no featured hashtags yet


async def lists_of(request: Request) -> Response:
    services = services_of(request)
    await require_user(request, "read:lists")
    await actor_of(services, request.path_params["id"])
    return api_json([])  # fediart has no lists yet


def _restricted(kind: Restriction, scope: str):
    async def handler(request: Request) -> Response:
        services = services_of(request)
        viewer = await require_user(request, scope)
        page = Page.from_params(await read_params(request), default=40, maximum=80)
        return await accounts_page(request, await restrictions.restricted(services, viewer, kind, page), services)

    return handler


async def _follow(services: Services, viewer: Account, actor: Actor) -> None:
    await follows.follow(services, viewer, actor)


routes = [
    Route("/api/v1/accounts/verify_credentials", verify_credentials, methods=["GET"]),
    Route("/api/v1/accounts/update_credentials", update_credentials, methods=["PATCH"]),
    Route("/api/v1/accounts/lookup", lookup, methods=["GET"]),
    Route("/api/v1/accounts/relationships", relationships, methods=["GET"]),
    Route("/api/v1/accounts/search", search, methods=["GET"]),
    Route("/api/v1/accounts/familiar_followers", familiar_followers, methods=["GET"]),
    Route("/api/v1/accounts/{id}", show, methods=["GET"]),
    Route("/api/v1/accounts/{id}/followers", followers, methods=["GET"]),
    Route("/api/v1/accounts/{id}/following", following, methods=["GET"]),
    Route("/api/v1/accounts/{id}/featured_tags", featured_tags, methods=["GET"]),
    Route("/api/v1/accounts/{id}/lists", lists_of, methods=["GET"]),
    Route("/api/v1/accounts/{id}/follow", _relationship_action("write:follows", _follow), methods=["POST"]),
    Route("/api/v1/accounts/{id}/unfollow", _relationship_action("write:follows", follows.unfollow),
          methods=["POST"]),
    Route("/api/v1/accounts/{id}/block", _relationship_action("write:blocks", restrictions.block), methods=["POST"]),
    Route("/api/v1/accounts/{id}/unblock", _relationship_action("write:blocks", restrictions.unblock),
          methods=["POST"]),
    Route("/api/v1/accounts/{id}/mute", _relationship_action("write:mutes", restrictions.mute), methods=["POST"]),
    Route("/api/v1/accounts/{id}/unmute", _relationship_action("write:mutes", restrictions.unmute),
          methods=["POST"]),
    Route("/api/v1/blocks", _restricted(Restriction.BLOCK, "read:blocks"), methods=["GET"]),
    Route("/api/v1/mutes", _restricted(Restriction.MUTE, "read:mutes"), methods=["GET"]),
]
