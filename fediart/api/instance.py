"""GET /api/v2/instance and /api/v1/instance (with or without a trailing slash: Mastodon.py asks for
`/api/v1/instance/`) and the small instance documents (peers, rules, extended description, translation
languages). Public: clients read them before anyone has logged in.

What clients read and why (research/clientapi.md §2, §6): `version` gates features, so it claims
Mastodon 4.2.0 (edits and filters v2 on, grouped notifications off); `configuration.urls.streaming` (v1:
`urls.streaming_api`, a string, as the iOS app requires) is the WebSocket origin of streaming/routes.py,
which clients read to choose streaming over polling (masto.js would retry a dead URL forever); media
limits are the configured upload limits, so Tusky and the official apps don't shrink artwork.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sqlalchemy import distinct, func
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import fediart
from fediart.activitypub.nodeinfo import usage
from fediart.api.account_entities import licence_to_api
from fediart.api.formats import api_time
from fediart.api.json import api_json
from fediart.outbox.publish import MAX_ALT, MAX_IMAGES, MAX_TEXT
from fediart.services import Services, services_of
from fediart.store.tables import Actor, utcnow

VERSION = f"4.2.0 (compatible; fediart {fediart.__version__})"
# What media/validate.sniff_format accepts, and nothing else: Phanpy refuses files of unlisted types.
SUPPORTED_MIME_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
# The description comes from the config, read once when the process starts: that is when it last changed.
_LOADED = utcnow()


def streaming_url(services: Services) -> str:
    """`wss://<domain>` (`ws://` for an http instance): clients add /api/v1/streaming themselves."""
    scheme = "wss" if services.config.server.scheme == "https" else "ws"
    return f"{scheme}://{services.config.domain}"


def configuration(services: Services) -> dict[str, Any]:
    media = services.config.media
    return {
        "urls": {"streaming": streaming_url(services)},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 5},
        "statuses": {"max_characters": MAX_TEXT, "max_media_attachments": MAX_IMAGES,
                     "characters_reserved_per_url": 23},
        "media_attachments": {
            "supported_mime_types": SUPPORTED_MIME_TYPES,
            "image_size_limit": media.max_upload_mb * 2**20,
            "image_matrix_limit": media.max_megapixels * 1_000_000,
            "description_limit": MAX_ALT,
            "video_size_limit": 0,
            "video_frame_rate_limit": 0,
            "video_matrix_limit": 0,
        },
        # Polls are not supported, but Ice Cubes and the iOS app need the object with every number in it.
        "polls": {"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300,
                  "max_expiration": 2629746},
        "translation": {"enabled": False},
    }


async def _counts(services: Services) -> tuple[dict[str, Any], int]:
    async with services.sessions() as session:
        domains = (await session.exec(select(func.count(distinct(Actor.domain))).where(
            Actor.account_id.is_(None), Actor.gone.is_(False)))).one()
    return await usage(services), domains


def _common(services: Services) -> dict[str, Any]:
    server = services.config.server
    return {
        "title": server.instance_name,
        "version": VERSION,
        "languages": [server.default_language],
        "rules": [],
        # fediart's own: the instance's default licence, which applies to everything no artist chose for.
        "licence": licence_to_api(services.site_licence),
    }


async def instance_v2(request: Request) -> Response:
    services = services_of(request)
    stats, _ = await _counts(services)
    server, base = services.config.server, services.urls.base
    return api_json({
        "domain": services.config.domain,
        **_common(services),
        "source_url": f"{base}/about",
        "description": server.instance_description,
        "usage": {"users": {"active_month": stats["users"]["activeMonth"]}},
        "thumbnail": {"url": f"{base}/static/header.png", "blurhash": None, "versions": {}},
        "icon": [],
        "configuration": configuration(services),
        "registrations": {"enabled": False, "approval_required": False, "message": None, "url": None},
        "api_versions": {"mastodon": 1},
        "contact": {"email": server.admin_email, "account": None},
    })


async def instance_v1(request: Request) -> Response:
    services = services_of(request)
    stats, domains = await _counts(services)
    server, base = services.config.server, services.urls.base
    return api_json({
        "uri": services.config.domain,
        **_common(services),
        "short_description": server.instance_description,
        "description": server.instance_description,
        "email": server.admin_email,
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
        "stats": {"user_count": stats["users"]["total"], "status_count": stats["localPosts"],
                  "domain_count": domains},
        "thumbnail": f"{base}/static/header.png",
        "urls": {"streaming_api": streaming_url(services)},
        "configuration": configuration(services),
        "contact_account": None,
    })


async def peers(request: Request) -> Response:
    """The domains of the remote actors fediart knows."""
    services = services_of(request)
    async with services.sessions() as session:
        domains = (await session.exec(select(Actor.domain).distinct().where(
            Actor.account_id.is_(None), Actor.gone.is_(False)).order_by(Actor.domain))).all()
    return api_json(list(domains))


async def rules(_request: Request) -> Response:
    return api_json([])


async def extended_description(request: Request) -> Response:
    services = services_of(request)
    # The description is plain text in the config; this document's content is HTML.
    return api_json({"updated_at": api_time(_LOADED),
                     "content": f"<p>{escape(services.config.server.instance_description)}</p>"})


async def translation_languages(_request: Request) -> Response:
    return api_json({})  # translation is off: no language pairs


routes = [
    Route("/api/v2/instance", instance_v2, methods=["GET"]),
    Route("/api/v2/instance/", instance_v2, methods=["GET"]),
    Route("/api/v1/instance", instance_v1, methods=["GET"]),
    Route("/api/v1/instance/", instance_v1, methods=["GET"]),
    Route("/api/v1/instance/peers", peers, methods=["GET"]),
    Route("/api/v1/instance/rules", rules, methods=["GET"]),
    Route("/api/v1/instance/extended_description", extended_description, methods=["GET"]),
    Route("/api/v1/instance/translation_languages", translation_languages, methods=["GET"]),
]
