"""GET /api/v1/notifications (and one by id), POST /notifications/:id/dismiss and /notifications/clear.

A Notification entity carries the actor as `account` and, for mentions, favourites and reblogs, the
status it is about; one whose status is gone is left out rather than sent without it (strict clients
require it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.actions import notifications
from fediart.actions.errors import NotFound
from fediart.api.auth import require_user
from fediart.api.account_entities import shared_accounts_to_api
from fediart.api.formats import api_time
from fediart.api.status_entities import statuses_by_key
from fediart.api.json import api_json
from fediart.api.pagination import link_header
from fediart.store.pages import Page
from fediart.api.params import read_params
from fediart.services import services_of
from fediart.store.states import StatusKind
from fediart.store.tables import Account
from fediart.store.ids import parse_id

READ, WRITE = "read:notifications", "write:notifications"
WITH_STATUS = {"mention", "reblog", "favourite"}


def _subject(n: Any) -> tuple[StatusKind, int] | None:
    """Which status a notification is about: the reply or mention itself, else our liked or boosted post."""
    if notifications.MASTODON_TYPES[n.kind] not in WITH_STATUS:
        return None
    if n.remote_post_id is not None:
        return StatusKind.REMOTE, n.remote_post_id
    return (StatusKind.POST, n.post_id) if n.post_id is not None else None


async def notifications_to_api(services: Any, session: AsyncSession, rows: Sequence[Any],
                               viewer: Account) -> list[dict[str, Any]]:
    """Notification entities for Notification rows (or rows of its columns), in order."""
    accounts = await shared_accounts_to_api(services, session, {n.actor_id for n in rows})
    subjects = await statuses_by_key(services, session, [s for s in map(_subject, rows) if s], viewer,
                                     live_only=True)
    found = []
    for n in rows:
        subject = _subject(n)
        status = subjects.get(subject) if subject else None
        if (subject is not None and status is None) or n.actor_id not in accounts:
            continue
        if notifications.MASTODON_TYPES[n.kind] in WITH_STATUS and status is None:
            continue
        doc = {"id": str(n.id), "type": notifications.MASTODON_TYPES[n.kind], "created_at": api_time(n.created_at),
               "group_key": f"ungrouped-{n.id}", "account": accounts[n.actor_id]}
        if status is not None:
            doc["status"] = status
        found.append(doc)
    return found


def _notification_id(request: Request) -> int:
    found = parse_id(request.path_params["id"])
    if found is None:
        raise NotFound()
    return found


async def index(request: Request) -> Response:
    services = services_of(request)
    async with services.sessions() as session:  # the token, the page and its statuses in one session
        account = await require_user(request, READ, session)
        params = await read_params(request)
        actor = params.text("account_id")
        if actor is not None and parse_id(actor) is None:
            return api_json([])  # no actor has that id, so none of its notifications exist
        rows = await notifications.list_notifications(
            session, services, account, Page.from_params(params, default=40, maximum=notifications.MAXIMUM),
            types=params.strings("types"), exclude_types=params.strings("exclude_types"),
            account_id=int(actor) if actor else None)
        docs = await notifications_to_api(services, session, rows, account)
    return api_json(docs, headers=link_header(request, [n.id for n in rows]))


async def show(request: Request) -> Response:
    account = await require_user(request, READ)
    services = services_of(request)
    row = await notifications.get_notification(services, account, _notification_id(request))
    async with services.sessions() as session:
        docs = await notifications_to_api(services, session, [row], account)
    if not docs:
        raise NotFound()
    return api_json(docs[0])


async def dismiss(request: Request) -> Response:
    account = await require_user(request, WRITE)
    await notifications.dismiss(services_of(request), account, _notification_id(request))
    return api_json({})


async def clear(request: Request) -> Response:
    account = await require_user(request, WRITE)
    await notifications.clear(services_of(request), account)
    return api_json({})


routes = [
    Route("/api/v1/notifications", index, methods=["GET"]),
    Route("/api/v1/notifications/clear", clear, methods=["POST"]),
    Route("/api/v1/notifications/{id}", show, methods=["GET"]),
    Route("/api/v1/notifications/{id}/dismiss", dismiss, methods=["POST"]),
]
