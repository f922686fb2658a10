"""Whom a new post names: @handles and the author of the post replied to, resolved to actors; and,
once the post is stored, the Mention rows and the notifications of the artists here it names.

Resolving runs before publishing opens its transaction, because it may fetch from the network
(WebFinger, the actor document, the replied-to post) and store remote actors in their own sessions;
recording runs inside it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.convert import mentioned_uris
from fediart.activitypub.fetch import FetchError
from fediart.activitypub.hosts import host_of
from fediart.activitypub.lookup import LookupRefused, object_by_url
from fediart.activitypub.refs import ids_of
from fediart.activitypub.remote_actors import ActorError
from fediart.activitypub.webfinger_client import acct_of, parse_handle, resolve_handle
from fediart.outbox.compose import Mentioned
from fediart.services import Services
from fediart.store.accounts import get_account
from fediart.store.actors import local_actor
from fediart.store.states import NotificationKind
from fediart.store.tables import Account, Actor, Mention, Notification, Post, RemotePost
from fediart.streaming.hub import Event, publish_on_commit

log = logging.getLogger("fediart.publish")

MAX_MENTIONS = 20  # more is what spam looks like; the rest stay plain text


class ReplyError(Exception):
    """The post to reply to cannot be found, worded for the artist."""


@dataclass(frozen=True)
class ReplyTarget:
    uri: str  # the replied-to object's id, for inReplyTo
    author: Mentioned | None  # None when replying to oneself


def _remote_mentioned(actor: Actor, server: str | None = None) -> Mentioned:
    # `server` is the handle's, when one was typed: WebFinger may live on another host than the actor.
    acct = f"{actor.username}@{server}" if server else acct_of(actor.username, actor.uri)
    return Mentioned(uri=actor.uri, url=actor.url or actor.uri, acct=acct)


async def _known(session: AsyncSession, user: str, server: str) -> Actor | None:
    rows = await session.exec(select(Actor).where(
        func.lower(Actor.username) == user, Actor.domain == host_of(f"https://{server}/"),
        Actor.gone == False))  # noqa: E712
    # The domain column has no port: the actor's id tells bea@host from bea@host:8443.
    return next((a for a in rows.all() if acct_of(user, a.uri) == f"{user}@{server}"), None)


async def resolve_mentions(session: AsyncSession, services: Services, handles: list[str],
                           unlinked: dict[str, str] | None = None) -> dict[str, Mentioned]:
    """Handle ("user" or "user@host[:port]") → actor, for those that can be found.

    The others stay plain text; `unlinked`, when given, receives each of them with the reason.
    """
    config, urls = services.config, services.urls
    found: dict[str, Mentioned] = {}
    missed: dict[str, str] = {} if unlinked is None else unlinked
    for handle in handles[MAX_MENTIONS:]:
        missed[handle] = f"a post links at most {MAX_MENTIONS} mentions"
    for handle in handles[:MAX_MENTIONS]:
        user, _, server = handle.partition("@")
        if server:
            try:
                user, server = parse_handle(handle)
            except ValueError as exc:
                missed[handle] = str(exc)
                continue
        if not server or server == config.domain.lower():
            local = await get_account(session, user)
            if local is not None and local.kind == "person":
                found[handle] = Mentioned(urls.actor(local.username), urls.profile(local.username),
                                          f"{local.username}@{config.domain}")
            else:
                missed[handle] = f"there is no artist named {user} on this server"
            continue
        # Known actors need no WebFinger round trip.
        known = await _known(session, user, server)
        if known is not None:
            found[handle] = _remote_mentioned(known, server)
            continue
        try:
            uri = await resolve_handle(services.http, f"{user}@{server}", config)
            actor = await services.remote_actors.by_uri(uri)
        except FetchError as exc:
            log.info("mention @%s left as text: %s", handle, exc)
            missed[handle] = _why(server, exc)
            continue
        except (ActorError, ValueError, httpx.HTTPError) as exc:
            log.info("mention @%s left as text: %s", handle, exc)
            missed[handle] = str(exc)
            continue
        found[handle] = _remote_mentioned(actor, server)
    return found


def _why(server: str, exc: FetchError) -> str:
    if exc.status == 404:
        return f"{server} has no such account"
    return f"{server} could not be asked: {exc.reason}"


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
    known = (await session.exec(select(RemotePost, Actor).join(Actor, Actor.id == RemotePost.actor_id)
                                .where((RemotePost.uri == url) | (RemotePost.url == url)))).first()
    if known is not None:
        return ReplyTarget(known[0].uri, _remote_mentioned(known[1]))
    try:
        doc = await object_by_url(services.http, url, services.instance_signer, services.config)
        authors = ids_of(doc.get("attributedTo"))
        if not authors:
            raise ReplyError(f"cannot reply to {url}: it names no author")
        actor = await services.remote_actors.by_uri(authors[0])
    except (FetchError, LookupRefused, ActorError, httpx.HTTPError) as exc:
        raise ReplyError(f"cannot reply to {url}: {exc}") from None
    return ReplyTarget(doc["id"], _remote_mentioned(actor))


async def _mentioned_actors(session: AsyncSession, services: Services, uris: Sequence[str]) -> list[Actor]:
    """The actor rows of these URIs; a local artist without an actor row yet gets one."""
    found = {a.uri: a for a in (await session.exec(select(Actor).where(Actor.uri.in_(list(uris))))).all()} \
        if uris else {}
    prefix = services.urls.base + "/users/"
    for uri in uris:
        if uri not in found and uri.startswith(prefix):
            account = await get_account(session, uri[len(prefix):])
            if account is not None and account.kind == "person" and services.urls.actor(account.username) == uri:
                found[uri] = await local_actor(session, services.urls, account)
    return [found[uri] for uri in dict.fromkeys(uris) if uri in found]


async def record_mentions(session: AsyncSession, services: Services, account: Account, post: Post,
                           *, notify: bool, replied_account: int | None = None) -> None:
    """Mention rows for every actor the post names (visibility reads them), and notifications for
    the artists of this instance it names or replies to, in the post's own transaction.

    An edited post notifies only the artists its edit names for the first time: those it named
    before have a Mention row already and were told when they were first named."""
    known = set((await session.exec(select(Mention.actor_id).where(Mention.post_id == post.id))).all())
    actors = await _mentioned_actors(session, services, mentioned_uris(post))
    for actor in actors:
        if actor.id not in known:
            session.add(Mention(post_id=post.id, actor_id=actor.id))
    if not notify:
        return
    author = await local_actor(session, services.urls, account)
    activity = services.urls.status_activity(account.username, post.id)
    told = {account.id}
    if replied_account is not None and replied_account not in told:
        session.add(notice := Notification(account_id=replied_account, kind=NotificationKind.REPLY,
                                           actor_id=author.id, post_id=post.id, activity_uri=activity))
        publish_on_commit(session, Event.notification(notice))
        told.add(replied_account)
    for actor in actors:
        if actor.account_id is not None and actor.account_id not in told and actor.id not in known:
            session.add(notice := Notification(account_id=actor.account_id, kind=NotificationKind.MENTION,
                                               actor_id=author.id, post_id=post.id, activity_uri=activity))
            publish_on_commit(session, Event.notification(notice))
            told.add(actor.account_id)


async def replied_account(session: AsyncSession, services: Services, in_reply_to: str | None) -> int | None:
    """The local artist whose live post `in_reply_to` names, if it is one of ours."""
    prefix = services.urls.base + "/users/"
    if not in_reply_to or not in_reply_to.startswith(prefix) or "/statuses/" not in in_reply_to:
        return None
    username, _, tail = in_reply_to[len(prefix):].partition("/statuses/")
    if not tail.isdigit():
        return None
    post = await session.get(Post, int(tail))
    owner = await get_account(session, username)
    if post is None or owner is None or post.account_id != owner.id or post.deleted_at is not None:
        return None
    return owner.id
