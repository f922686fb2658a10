"""Whom a new post names: @handles and the author of the post replied to, resolved to actors.

Runs before publishing opens its transaction, because resolving may fetch from the network
(WebFinger, the actor document, the replied-to post) and store remote actors in their own sessions.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import httpx
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.fetch import FetchError, fetch_document
from fediart.activitypub.refs import ids_of
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.webfinger_client import resolve_handle
from fediart.outbox.compose import Mentioned
from fediart.services import Services
from fediart.store.accounts import get_account
from fediart.store.tables import Post, RemoteActor, RemotePost

log = logging.getLogger("fediart.publish")

MAX_MENTIONS = 20  # more is what spam looks like; the rest stay plain text


class ReplyError(Exception):
    """The post to reply to cannot be found, worded for the artist."""


@dataclass(frozen=True)
class ReplyTarget:
    uri: str  # the replied-to object's id, for inReplyTo
    author: Mentioned | None  # None when replying to oneself


def _remote_mentioned(actor: RemoteActor, host: str | None = None) -> Mentioned:
    return Mentioned(uri=actor.uri, url=actor.url or actor.uri, acct=f"{actor.username}@{host or actor.domain}")


async def resolve_mentions(session: AsyncSession, services: Services, handles: list[str]) -> dict[str, Mentioned]:
    """Handle ("user" or "user@host") → actor, for those that can be found; others are left out."""
    config, urls = services.config, services.urls
    found: dict[str, Mentioned] = {}
    for handle in handles[:MAX_MENTIONS]:
        user, _, host = handle.partition("@")
        if not host or host == config.domain.lower():
            local = await get_account(session, user)
            if local is not None and local.kind == "person":
                found[handle] = Mentioned(urls.actor(local.username), urls.profile(local.username),
                                          f"{local.username}@{config.domain}")
            continue
        # Known actors need no WebFinger round trip.
        known = (await session.exec(select(RemoteActor).where(
            func.lower(RemoteActor.username) == user, RemoteActor.domain == host, RemoteActor.gone == False  # noqa: E712
        ))).first()
        if known is not None:
            found[handle] = _remote_mentioned(known, host)
            continue
        try:
            uri = await resolve_handle(services.http, f"{user}@{host}", config)
            actor = await services.remote_actors.by_uri(uri)
        except (FetchError, ActorError, ValueError, httpx.HTTPError) as exc:
            log.info("mention @%s left as text: %s", handle, exc)
            continue
        found[handle] = _remote_mentioned(actor, host)
    return found


_LOCAL_STATUS = re.compile(r"^/(?:users/(?P<u1>[a-z0-9_]+)/statuses|@(?P<u2>[a-z0-9_]+))/(?P<id>\d+)$")


async def resolve_reply(session: AsyncSession, services: Services, author_username: str, url: str) -> ReplyTarget:
    """What `url` (a post's id or page, ours or remote) replies to; ReplyError if it cannot be found."""
    urls = services.urls
    if url.startswith(urls.base + "/"):
        match = _LOCAL_STATUS.match(url[len(urls.base):])
        post = await session.get(Post, int(match.group("id"))) if match else None
        if post is None or post.deleted_at is not None:
            raise ReplyError(f"there is no post {url} on this server")
        username = match.group("u1") or match.group("u2")
        owner = await get_account(session, username)
        if owner is None or owner.id != post.account_id:
            raise ReplyError(f"there is no post {url} on this server")
        author = None if username == author_username else Mentioned(
            urls.actor(username), urls.profile(username), f"{username}@{services.config.domain}")
        return ReplyTarget(urls.status(username, post.id), author)

    # A remote post that reached us already (a reply or mention) needs no fetch.
    known = (await session.exec(select(RemotePost, RemoteActor).join(RemoteActor, RemoteActor.id == RemotePost.actor_id)
                                .where((RemotePost.uri == url) | (RemotePost.url == url)))).first()
    if known is not None:
        return ReplyTarget(known[0].uri, _remote_mentioned(known[1]))
    try:
        doc = await fetch_document(services.http, url, services.instance_signer, services.config)
        authors = ids_of(doc.get("attributedTo"))
        if not authors:
            raise ReplyError(f"cannot reply to {url}: it names no author")
        actor = await services.remote_actors.by_uri(authors[0])
    except (FetchError, ActorError, httpx.HTTPError) as exc:
        raise ReplyError(f"cannot reply to {url}: {exc}") from None
    return ReplyTarget(doc["id"], _remote_mentioned(actor))
