"""Helpers for tests that publish posts: images, followers on the fake network, one-call publishing."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from fediart.outbox.publish import create_post, delete_post, edit_post
from fediart.store.accounts import get_account
from fediart.store.tables import Follower, Actor

SCHEMA = "http://schema.org/"
AS = "https://www.w3.org/ns/activitystreams#"
DMI = "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"
LICENCE_IRIS = ("http://purl.org/dc/terms/license", SCHEMA + "usageInfo", SCHEMA + "copyrightNotice", SCHEMA + "creditText",
                "http://www.w3.org/ns/tdmrep#reservation", "http://www.w3.org/ns/tdmrep#policy",
                "https://w3id.org/fediart/ns#contentUsage")


def png(colour: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg(size: tuple[int, int] = (80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "JPEG")
    return out.getvalue()


async def add_remote(services, network, username: str, host: str = "remote.example", *, shared_inbox: bool = True,
                     follows=None, state: str = "accepted"):
    """A remote actor on the fake network, stored; following `follows` (an Account) if given."""
    actor = network.add_actor(username, host=host, shared_inbox=shared_inbox)
    async with services.sessions() as session:
        row = Actor(uri=actor.uri, domain=host, username=username, inbox=actor.inbox,
                          shared_inbox=actor.shared_inbox_url, key_id=actor.key_id, public_key_pem=actor.public_pem,
                          url=f"https://{host}/@{username}")
        session.add(row)
        await session.flush()
        if follows is not None:
            session.add(Follower(account_id=follows.id, actor_id=row.id, follow_uri=actor.new_id("follows"),
                                 state=state))
        await session.commit()
    return actor


async def publish(services, username: str = "ana", text: str = "Heron study.", images=(), **options):
    """create_post for an artist by name, in its own session."""
    async with services.sessions() as session:
        account = await get_account(session, username)
        return await create_post(session, services, account, text, list(images), **options)


async def edit(services, post_id: int, **changes):
    async with services.sessions() as session:
        return await edit_post(session, services, post_id, **changes)


async def delete(services, post_id: int):
    async with services.sessions() as session:
        return await delete_post(session, services, post_id)


def media_files(services) -> list[Path]:
    root = Path(services.config.media.dir)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def values(node: dict, iri: str) -> list:
    return [v.get("@id", v.get("@value")) for v in node.get(iri, [])]
