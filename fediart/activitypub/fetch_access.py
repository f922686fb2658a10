"""Authorized fetch: who asks for an ActivityPub document, and what they may have.

Every GET of an ActivityPub document (other than the instance actor) is judged here first, per
request, before any cached body is returned. With [federation] authorized_fetch on, a GET needs a
valid signature from a server policy allows; unsigned, badly signed and blocked requests all get
the same 401 (a blocked server learns nothing). The actor document is the exception: those get a
minimal actor so key checks never deadlock. Followers-only and direct posts go only to signers
whose server hosts an actor allowed to see them (servers fetch with their instance actor).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

from sqlalchemy import exists, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from fediart.activitypub.signed_requests import Refusal, raw_target, verify_request
from fediart.cache import Rendered
from fediart.licence.headers import http_headers
from fediart.licence.model import Licence
from fediart.services import Services
from fediart.store.states import FollowState, Restriction, Visibility
from fediart.store.tables import Actor, ActorRestriction, Follower, Mention, Post, RemoteBlock

log = logging.getLogger("fediart.fetch_access")

UNAUTHORIZED = "request must be signed by a server that may fetch this"


@dataclass(frozen=True)
class Requester:
    """Who asks: the verified signing actor, or None (unsigned, badly signed or blocked)."""

    signer: Actor | None
    refusal: Refusal | None = None


def is_signed(request: Request) -> bool:
    return "signature" in request.headers or "signature-input" in request.headers


async def requester(services: Services, request: Request) -> Requester:
    """The request's verified signer; any refusal leaves it anonymous (and is logged, not echoed)."""
    if not is_signed(request):
        return Requester(None, Refusal(401, "request is not signed"))
    found = await verify_request(services, method=request.method, target=raw_target(request),
                                 headers=request.headers, body=b"")
    if isinstance(found, Refusal):
        log.info("signed GET of %s refused: %s", request.url.path, found.reason)
        return Requester(None, found)
    return Requester(found)


def required(services: Services) -> bool:
    return services.config.federation.authorized_fetch


def unauthorized(licence: Licence | None) -> Rendered:
    """The one 401 every refused fetch gets: same body whether unsigned, badly signed or blocked."""
    headers = dict(http_headers(licence)) if licence else {}
    headers["Vary"] = "Accept, Signature"
    return Rendered(b'{"error":"' + UNAUTHORIZED.encode() + b'"}', "application/json", headers, status=401)


def finish(rendered: Rendered, *, private: bool = False) -> Rendered:
    """A served document's caching headers: it varies by signature, and non-public ones stay private."""
    headers = dict(rendered.headers)
    headers["Vary"] = "Accept, Signature"
    if private:
        headers["Cache-Control"] = "private"
    return dataclasses.replace(rendered, headers=headers)


def _same_server(signer: Actor):
    """Actors on the signer's server: servers fetch as their instance actor on their users' behalf."""
    return select(Actor.id).where(Actor.domain == signer.domain)


async def blocked_by_author(session: AsyncSession, account_id: int, signer: Actor) -> bool:
    """Whether the artist blocked the signer (a block by the artist, or the signer's own Block of them)."""
    restriction = exists(select(ActorRestriction.id).where(
        ActorRestriction.account_id == account_id, ActorRestriction.actor_id == signer.id,
        ActorRestriction.kind == Restriction.BLOCK))
    their_block = exists(select(RemoteBlock.id).where(RemoteBlock.account_id == account_id,
                                                      RemoteBlock.actor_id == signer.id))
    return bool((await session.exec(select(or_(restriction, their_block)))).one()[0])


async def may_fetch_post(session: AsyncSession, signer: Actor | None, post: Post) -> bool:
    """Whether a (verified) signer may have this post: open ones anyone; the rest as addressed."""
    if post.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
        return True
    if signer is None or signer.local or await blocked_by_author(session, post.account_id, signer):
        return False
    server = _same_server(signer)
    mentioned = exists(select(Mention.id).where(Mention.post_id == post.id, Mention.actor_id.in_(server)))
    if post.visibility == Visibility.FOLLOWERS:
        follows = exists(select(Follower.id).where(Follower.account_id == post.account_id,
                                                   Follower.actor_id.in_(server),
                                                   Follower.state == FollowState.ACCEPTED))
        return bool((await session.exec(select(or_(mentioned, follows)))).one()[0])
    if post.visibility == Visibility.DIRECT:
        return bool((await session.exec(select(mentioned))).one()[0])
    return False
