"""In-process publish/subscribe of what clients stream: statuses (new, edited, deleted) for everyone
connected, notifications for their owner's connections only.

Publishing only enqueues a small Event (ids, no JSON): each connection then decides, with the same
queries as the REST timelines, whether its artist may see it, and renders it for that artist. Each
process has its own hub; on PostgreSQL every published event also goes to the other processes'
hubs (coherence.py), so a client streams what any server or a separate `fediart worker` committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import orjson
from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from fediart.store.tables import Interaction, Notification, Post, RemotePost

log = logging.getLogger("fediart.streaming")

# How far a connection may fall behind before it is dropped (see Subscriber.offer).
QUEUE_SIZE = 200
_HUB = "fediart.streaming.hub"
_PENDING = "fediart.streaming.pending"


class EventKind(StrEnum):
    """Mastodon's streaming event names."""

    UPDATE = "update"
    EDIT = "status.update"
    DELETE = "delete"
    NOTIFICATION = "notification"


class Source(StrEnum):
    """Which table an event's row is in (status ids share one space, but a lookup needs the table)."""

    POST = "post"
    REMOTE = "remote"
    BOOST = "boost"
    NOTIFICATION = "notification"


@dataclass(frozen=True)
class Event:
    kind: EventKind
    source: Source
    row_id: int
    account_id: int | None = None  # a notification's owner: only their connections receive it

    @classmethod
    def status(cls, row: Post | RemotePost | Interaction, kind: EventKind = EventKind.UPDATE) -> Event:
        source = Source.POST if isinstance(row, Post) else Source.REMOTE if isinstance(row, RemotePost) \
            else Source.BOOST
        return cls(kind, source, row.id)

    @classmethod
    def edited(cls, row: Post | RemotePost) -> Event:
        return cls.status(row, EventKind.EDIT)

    @classmethod
    def deleted(cls, row: Post | RemotePost | Interaction) -> Event:
        return cls.status(row, EventKind.DELETE)

    @classmethod
    def notification(cls, row: Notification) -> Event:
        return cls(EventKind.NOTIFICATION, Source.NOTIFICATION, row.id, row.account_id)

    def to_wire(self) -> str:
        """The event as other processes receive it (compact JSON)."""
        return orjson.dumps([self.kind.value, self.source.value, self.row_id, self.account_id]).decode()

    @classmethod
    def from_wire(cls, wire: str) -> Event:
        """The event `to_wire` wrote; ValueError for anything else."""
        try:
            kind, source, row_id, account_id = orjson.loads(wire)
            if not isinstance(row_id, int) or not (account_id is None or isinstance(account_id, int)):
                raise ValueError("ids must be integers")
            return cls(EventKind(kind), Source(source), row_id, account_id)
        except (orjson.JSONDecodeError, TypeError) as exc:
            raise ValueError(f"not a streaming event: {exc}") from None


class Subscriber:
    """One connection's inbox of events, bounded."""

    def __init__(self, account_id: int, size: int) -> None:
        self.account_id = account_id
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=size)
        self.overflowed = asyncio.Event()

    def offer(self, event: Event) -> None:
        # A client that cannot keep up is dropped rather than buffered without end: memory stays bounded
        # and the client, on reconnecting, reloads its timeline over REST, which loses nothing.
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed.set()


class Hub:
    """The subscribers of this process, by account, and the one publish function."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self._by_account: dict[int, set[Subscriber]] = defaultdict(set)
        self.notify: Callable[[Event], None] | None = None  # passes events to other processes (PostgreSQL)

    def subscribe(self, account_id: int) -> Subscriber:
        subscriber = Subscriber(account_id, self.queue_size)
        self._by_account[account_id].add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        found = self._by_account.get(subscriber.account_id)
        if found is not None:
            found.discard(subscriber)
            if not found:
                del self._by_account[subscriber.account_id]

    def publish(self, event: Event) -> None:
        """Hand an event to the connections that may want it, in this process and the others; call it
        after the rows are committed."""
        self.deliver(event)
        if self.notify is not None:
            self.notify(event)

    def deliver(self, event: Event) -> None:
        """Hand an event to this process's connections that may want it (another process's event too)."""
        if event.account_id is not None:
            targets = list(self._by_account.get(event.account_id, ()))
        else:
            targets = [s for group in self._by_account.values() for s in group]
        for subscriber in targets:
            subscriber.offer(event)

    def attach(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Make this hub reachable from every session `sessions` opens, for publish_on_commit."""
        sessions.configure(info={**(sessions.kw.get("info") or {}), _HUB: self})


def publish_on_commit(session: AsyncSession, event: Event) -> None:
    """Publish `event` when this session's transaction commits (never, if it rolls back).

    For rows added before the commit, in code that holds a session but not the services (notify)."""
    hub = session.info.get(_HUB)
    if hub is None:
        return  # a session from a sessionmaker without a hub: nobody streams from it
    sync = session.sync_session
    if _PENDING not in sync.info:
        sync.info[_PENDING] = []
        sa_event.listen(sync, "after_commit", _release)
        # Both: a rollback after a failed flush may find the database transaction already rolled back.
        sa_event.listen(sync, "after_rollback", _discard)
        sa_event.listen(sync, "after_soft_rollback", _discard_soft)
    sync.info[_PENDING].append(event)


def _release(sync: Session) -> None:
    pending, sync.info[_PENDING] = sync.info[_PENDING], []
    for event in pending:
        sync.info[_HUB].publish(event)


def _discard(sync: Session) -> None:
    sync.info[_PENDING] = []


def _discard_soft(sync: Session, _previous_transaction: object) -> None:
    sync.info[_PENDING] = []
