"""What inbox handlers share: reading ids out of activities, finding our own accounts and posts by
URL, checking every remote IRI against domain policy, and writing notifications.

Handlers run in the worker after receive() has verified that the signer is the activity's actor;
everything here answers "is this about us, and may we act on it", never "who sent it".
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlmodel import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.activitypub.hosts import host_of, same_origin
from fediart.activitypub.refs import id_of, ids_of, type_of  # noqa: F401 (the handlers import them from here)
from fediart.services import Services
from fediart.store.tables import Account, Follower, Notification, Post, Actor
from fediart.streaming.hub import Event, publish_on_commit

log = logging.getLogger("fediart.inbox")

_USERNAME = r"[a-z0-9_]{1,30}"
_ACTOR_PATH = re.compile(rf"^/users/({_USERNAME})$")
# Post ids as the publishing code mints them: <actor>/statuses/<Post.id>.
_POST_PATH = re.compile(rf"^/users/({_USERNAME})/statuses/([0-9]{{1,18}})$")


def parse_time(value: Any) -> datetime | None:
    """An ActivityStreams date as aware UTC to the second, or None if it is missing or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(microsecond=0)
    except (ValueError, OverflowError):  # "0001-01-01T00:00:00+05:00" is before the first UTC date
        return None


def _local_path(services: Services, url: str) -> str | None:
    """The path of one of our URLs (hosts compared normalised); None for others or with query/fragment."""
    if not same_origin(url, services.urls.base):
        return None
    parsed = httpx.URL(url)
    return None if parsed.query or parsed.fragment else parsed.path


def local_username(services: Services, url: str | None) -> str | None:
    """The username if `url` is exactly one of our actor URLs."""
    path = _local_path(services, url) if url else None
    match = _ACTOR_PATH.match(path) if path else None
    return match.group(1) if match else None


async def local_account(session: AsyncSession, services: Services, url: str | None) -> Account | None:
    """The artist whose actor URL this is; None for anything else, the instance actor included."""
    username = local_username(services, url)
    if username is None:
        return None
    account = (await session.exec(select(Account).where(Account.username == username))).first()
    return account if account is not None and account.kind == "person" else None


def local_post_id(services: Services, url: str | None) -> int | None:
    """The id in one of our post URLs (whether or not such a post exists); None for any other URL."""
    path = _local_path(services, url) if url else None
    match = _POST_PATH.match(path) if path else None
    return int(match.group(2)) if match else None


async def local_post(session: AsyncSession, services: Services, url: str | None) -> Post | None:
    """The live post this URL names (author in the URL must match); None if not ours or deleted."""
    path = _local_path(services, url) if url else None
    match = _POST_PATH.match(path) if path else None
    if not match:
        return None
    post = await session.get(Post, int(match.group(2)))
    if post is None or post.deleted_at is not None:
        return None
    author = await session.get(Account, post.account_id)
    return post if author is not None and author.username == match.group(1) else None


async def hosts_allowed(services: Services, *urls: str | None, why: str = "") -> bool:
    """Domain policy for every IRI an activity brings in, not only its sender (GoToSocial #593)."""
    for url in urls:
        if not url:
            continue
        decision = await services.policy.check_host(host_of(url))
        if not decision.allowed:
            log.info("ignored %s: %s (%s)", why or "activity", decision.reason or "not an http(s) URL", url)
            return False
    return True


async def actor_row(session: AsyncSession, uri: str) -> Actor | None:
    return (await session.exec(select(Actor).where(Actor.uri == uri))).first()


async def follower_row(session: AsyncSession, account_id: int, actor_id: int) -> Follower | None:
    query = select(Follower).where(Follower.account_id == account_id, Follower.actor_id == actor_id)
    return (await session.exec(query.order_by(Follower.id))).first()


async def lock_account(session: AsyncSession, account_id: int) -> None:
    """Serialise check-then-insert work on one account until the session commits.

    A no-op UPDATE rather than SELECT … FOR UPDATE: it takes the row lock on PostgreSQL and, on
    SQLite (whose driver begins a transaction only at the first write), starts the write
    transaction here, so a concurrent handler starting the same way waits before it reads.
    """
    await session.exec(update(Account).where(Account.id == account_id).values(updated_at=Account.updated_at))


def notify(session: AsyncSession, account_id: int, kind: str, actor: Actor, activity_uri: str, *,
           post_id: int | None = None, remote_post_id: int | None = None) -> None:
    """Add a notification to the session; the caller commits it with the change it reports."""
    session.add(notice := Notification(account_id=account_id, kind=kind, actor_id=actor.id, activity_uri=activity_uri,
                                       post_id=post_id, remote_post_id=remote_post_id))
    publish_on_commit(session, Event.notification(notice))
