"""The valid answers for features fediart does not have (yet): empty lists where Mastodon would list
custom emojis, filters, lists, announcements and the like, `404 Record not found` for a push subscription
that cannot exist, and the artist's posting preferences, which are fixed until artists can set them.

Clients call these at start-up and treat a 404 or 500 as an error (Ivory, the iOS app, Elk), so each
answers as Mastodon does, authenticated where Mastodon requires a user.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fediart.api.auth import require_user
from fediart.api.errors import ApiError
from fediart.api.json import api_json
from fediart.services import services_of

# path -> the scope Mastodon checks (None: public, no token needed)
EMPTY_LISTS = {
    "/api/v1/custom_emojis": None,
    "/api/v1/trends/tags": None,
    "/api/v1/trends/statuses": None,
    "/api/v1/trends/links": None,
    "/api/v1/trends": None,  # the older name of trends/tags
    "/api/v1/filters": "read:filters",
    "/api/v2/filters": "read:filters",
    "/api/v1/lists": "read:lists",
    "/api/v1/announcements": "read",
    "/api/v1/followed_tags": "read:follows",
    "/api/v1/conversations": "read:statuses",
    "/api/v2/suggestions": "read",
    "/api/v1/suggestions": "read",
    "/api/v1/domain_blocks": "read:blocks",
    "/api/v1/scheduled_statuses": "read:statuses",
    "/api/v1/featured_tags": "read:accounts",
    "/api/v1/endorsements": "read:accounts",
}


def empty_list(scope: str | None) -> Callable[[Request], Awaitable[Response]]:
    async def answer(request: Request) -> Response:
        if scope is not None:
            await require_user(request, scope)
        return api_json([])

    return answer


async def push_subscription(request: Request) -> Response:
    await require_user(request, "push")
    raise ApiError(404, "Record not found")  # no Web Push yet: no subscription exists (Elk expects this)


async def preferences(request: Request) -> Response:
    await require_user(request, "read:accounts")
    return api_json({
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": services_of(request).config.server.default_language,
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    })


routes = [
    *(Route(path, empty_list(scope), methods=["GET"]) for path, scope in EMPTY_LISTS.items()),
    Route("/api/v1/push/subscription", push_subscription, methods=["GET"]),
    Route("/api/v1/preferences", preferences, methods=["GET"]),
]
