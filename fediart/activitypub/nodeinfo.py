"""NodeInfo 2.0 and 2.1: what software this is, its usage, and its AI-training policy in `metadata`."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import Response

import fediart
from fediart.http import error, render_json, respond
from fediart.services import Services, services_of
from fediart.store.posts import PUBLICLY_VISIBLE
from fediart.store.tables import Account, Post

SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/"
VERSIONS = ("2.0", "2.1")


async def discovery(request: Request) -> Response:
    base = services_of(request).urls.base
    links = [{"rel": SCHEMA + v, "href": f"{base}/nodeinfo/{v}"} for v in VERSIONS]
    return respond(render_json({"links": links}, "application/json", None))


async def usage(services: Services) -> dict:
    async with services.sessions() as session:
        users = (await session.exec(select(func.count()).select_from(Account).where(Account.kind == "person"))).one()
        # What anyone may read: the posts the outboxes list (public and unlisted, not deleted).
        posts = (await session.exec(
            select(func.count()).select_from(Post).join(Account, Account.id == Post.account_id)
            .where(Account.kind == "person", Post.visibility.in_(PUBLICLY_VISIBLE), Post.deleted_at.is_(None))
        )).one()
    return {"users": {"total": users, "activeMonth": users, "activeHalfyear": users}, "localPosts": posts}


def ai_policy(services: Services) -> dict:
    """The instance default, in the same vocabularies the documents and headers use."""
    licence, base = services.site_licence, services.urls.base
    return {
        "aiTraining": "reserved" if licence.ai_training_reserved else "allowed",
        "tdmReservation": licence.tdm_reservation,
        "tdmPolicy": licence.tdm_policy_url,
        "contentUsage": licence.content_usage,
        "xRobotsTag": licence.x_robots_tag,
        "dataMining": licence.data_mining,
        "tdmrep": f"{base}/.well-known/tdmrep.json",
        "robots": f"{base}/robots.txt",
        "aiTxt": f"{base}/ai.txt",
        "licenceSpec": "https://w3id.org/fediart/ns",
    }


async def nodeinfo(request: Request) -> Response:
    version = request.path_params["version"]
    if version not in VERSIONS:
        return error(404, "NodeInfo versions served here: 2.0, 2.1")
    services = services_of(request)
    software = {"name": "fediart", "version": fediart.__version__}
    doc = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": False,
        "usage": await usage(services),
        "metadata": {
            "nodeName": services.config.server.instance_name,
            "nodeDescription": services.config.server.instance_description,
            "aiPolicy": ai_policy(services),
        },
    }
    media_type = f'application/json; profile="{SCHEMA}{version}#"'
    return respond(render_json(doc, media_type, services.site_licence, {"Access-Control-Allow-Origin": "*"}))
