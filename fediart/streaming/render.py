"""Events as the messages one connected artist receives: only on the streams they subscribed to, only
what they may see, rendered for them (their favourited/reblogged flags included).

Whether a status belongs on a stream is asked of the REST timeline queries themselves (the page holding
exactly that id), so a stream never shows what the timeline would not: visibility, follows, blocks
and mutes are decided once, in actions/timelines.py and store/visibility.py.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import orjson
from sqlmodel import select

from fediart.actions import timelines
from fediart.actions.notifications import MASTODON_TYPES
from fediart.api.status_entities import statuses_to_api
from fediart.api.notifications import notifications_to_api
from fediart.store.pages import Page
from fediart.services import Services
from fediart.store.actors import local_actor
from fediart.store.states import FollowState, Visibility
from fediart.store.status_refs import StatusRef
from fediart.store.tables import Account, Follower, Mention, Notification, Post
from fediart.store.visibility import OPEN
from fediart.streaming.hub import Event, EventKind, Source
from fediart.streaming.streams import Stream, StreamName

log = logging.getLogger("fediart.streaming")


def message(stream: Stream, kind: EventKind, payload: str | None) -> str:
    doc: dict[str, Any] = {"stream": stream.label, "event": str(kind)}
    if payload is not None:
        doc["payload"] = payload
    return orjson.dumps(doc).decode()


def error_message(text: str, status: int) -> str:
    return orjson.dumps({"error": text, "status": status}).decode()


async def messages_for(services: Services, account: Account, event: Event, streams: Iterable[Stream]) -> list[str]:
    """The messages `event` becomes for this artist's subscribed `streams` (often none)."""
    streams = list(streams)
    if event.kind == EventKind.NOTIFICATION:
        wanted = [s for s in streams if s.carries_notifications]
        if not wanted or event.account_id != account.id:
            return []
        payload = await _notification(services, account, event.row_id)
        return [] if payload is None else [message(s, event.kind, payload) for s in wanted]
    wanted = [s for s in streams if s.carries_statuses]
    if not wanted:
        return []
    if event.kind == EventKind.DELETE:
        # The row is gone from every timeline now, so whether the artist could see it is asked of the row.
        if not await _may_have_seen(services, account, event):
            return []
        return [message(s, event.kind, str(event.row_id)) for s in wanted]
    showing = []
    for stream in wanted:
        row = await _on_stream(services, account, stream, event)
        if row is not None:
            showing.append((stream, row))
    if not showing:
        return []
    async with services.sessions() as session:
        docs = await statuses_to_api(services, session, [showing[0][1]], account)
        await session.commit()  # conversion may have made the viewer's actor row
    if not docs:
        return []  # a boost of a post deleted meanwhile
    payload = orjson.dumps(docs[0]).decode()
    return [message(stream, event.kind, payload) for stream, _ in showing]


async def _on_stream(services: Services, account: Account, stream: Stream,
                     event: Event) -> StatusRef | None:
    """The event's row if the stream's timeline holds it for this artist, else None."""
    page = Page(max_id=event.row_id + 1, since_id=event.row_id - 1, min_id=None, limit=3)
    async with services.sessions() as session:
        match stream.name:
            case StreamName.USER:
                rows = await timelines.home(session, services, account, page)
            case StreamName.PUBLIC | StreamName.PUBLIC_LOCAL:
                rows = await timelines.public(session, services, account, page,
                                              local=stream.name == StreamName.PUBLIC_LOCAL)
            case StreamName.HASHTAG | StreamName.HASHTAG_LOCAL:
                rows = await timelines.tag(session, services, account, stream.tag or "", page,
                                           local=stream.name == StreamName.HASHTAG_LOCAL)
            case _:
                return None
    # Timelines list references; a status event's source names the same tables (post, remote, boost).
    return next((row for row in rows if row.kind == event.source.value and row.id == event.row_id), None)


async def _may_have_seen(services: Services, account: Account, event: Event) -> bool:
    """Whether a deleted local post (or an undone boost) was one this artist could see (its author, a
    follower for a followers-only post, someone it mentioned); an id never shown to them is not sent."""
    if event.source == Source.BOOST:
        return True  # only public and unlisted posts can be boosted: anyone could see the boost
    if event.source != Source.POST:
        return False  # remote deletions are not published yet
    async with services.sessions() as session:
        post = await session.get(Post, event.row_id)
        if post is None:
            return False
        if post.account_id == account.id or post.visibility in OPEN:
            return True
        me = await local_actor(session, services.urls, account)
        await session.commit()
        mentioned = await session.exec(select(Mention.id).where(Mention.post_id == post.id,
                                                                Mention.actor_id == me.id))
        if mentioned.first() is not None:
            return True
        if post.visibility != Visibility.FOLLOWERS:
            return False
        follows = await session.exec(select(Follower.id).where(
            Follower.account_id == post.account_id, Follower.actor_id == me.id,
            Follower.state == FollowState.ACCEPTED))
        return follows.first() is not None


async def _notification(services: Services, account: Account, notification_id: int) -> str | None:
    async with services.sessions() as session:
        row = await session.get(Notification, notification_id)
        if row is None or row.account_id != account.id or row.kind not in MASTODON_TYPES:
            return None  # dismissed already, or a kind clients have no type for
        docs = await notifications_to_api(services, session, [row], account)
        await session.commit()
    return orjson.dumps(docs[0]).decode() if docs else None
