"""A small per-process cache of rendered documents (bytes + headers), so hot GETs skip the database,
and of a few facts derived from an artist's rows that every viewer sees alike (their counts).

Entries live for a few seconds (config `[server] document_cache_seconds`) and are dropped at once
when this process changes the account, or (for a post's public page, which shows its likes, boosts
and replies) when someone likes, boosts or replies to the post; on PostgreSQL every forget is also
passed to `notify`, which tells the other processes (coherence.py) to drop theirs. An entry is dropped
by any name in its key (an artist's username) or among the `names` it was kept with (a status kept
under its id also names its author and the actors it mentions, so a change to any of them drops it).
On SQLite the TTL bounds what the CLI's changes take to show, which is the staleness a peer's own
actor cache has anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event

from fediart.coherence import Message, Kind

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

POST_PAGE = "post-page"  # first part of the key of a post's public page: (POST_PAGE, username, post id)


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    headers: dict[str, str]
    status: int = 200


class DocumentCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 10_000,
                 notify: Callable[[Message], None] | None = None) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self.notify = notify  # other processes are told of each forget (Broadcaster.send)
        self._entries: dict[tuple, tuple[float, Any, tuple[str, ...]]] = {}

    def recall(self, key: tuple) -> Any:
        """A fact kept with remember(), or None; the key names the artist, so forgetting them drops it."""
        return self.get(key)

    def remember(self, key: tuple, value: Any, names: tuple[str, ...] = ()) -> Any:
        """Keep a fact under the documents' rules (the TTL, forget_account, forget of any of `names`);
        returns it."""
        return self.put(key, value, names)

    def get(self, key: tuple) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, rendered, _ = entry
        if expires < time.monotonic():
            del self._entries[key]
            return None
        return rendered

    def put(self, key: tuple, rendered: Any, names: tuple[str, ...] = ()) -> Any:
        if self.ttl <= 0:
            return rendered
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # crude, but bounded memory matters more than hit rate here
        self._entries[key] = (time.monotonic() + self.ttl, rendered, names)
        return rendered

    def forget_account(self, username: str) -> None:
        """Drop an artist's documents here and in every other process (call it after the commit)."""
        self.drop_account(username)
        if self.notify is not None:
            self.notify(Message.account(username))

    def forget_post_page(self, post_id: int, *, after: AsyncSession | None = None) -> None:
        """Drop a post's public page here and in every other process; with `after`, once that session
        commits (a page rendered before the commit would show the old counts again until it expires)."""
        if after is None:
            self.drop_post_page(post_id)
            if self.notify is not None:
                self.notify(Message.post_page(post_id))
            return
        # A rollback leaves the listener on the (short-lived) session: a later commit there forgets a
        # page that did not change, which costs one rendering and is never wrong.
        event.listen(after.sync_session, "after_commit", lambda _session: self.forget_post_page(post_id),
                     once=True)

    def forget(self, name: str) -> None:
        """Drop every entry naming `name` (a remote actor's URI, a status's cache name) here and in
        every other process (call it after the commit)."""
        self.drop_named(name)
        if self.notify is not None:
            self.notify(Message(Kind.NAMED, name))

    def clear(self) -> None:
        """Drop every document here and in every other process."""
        self.drop_all()
        if self.notify is not None:
            self.notify(Message(Kind.DOCUMENTS))

    def drop_account(self, username: str) -> None:
        """Drop an artist's documents in this process only (what another process's message asks)."""
        self.drop_named(username)

    def drop_named(self, name: str) -> None:
        """Drop, in this process only, the entries whose key or names hold `name`."""
        for key in [k for k, (_, _, names) in self._entries.items() if name in k or name in names]:
            del self._entries[key]

    def drop_post_page(self, post_id: int) -> None:
        """Drop a post's public page in this process only, under whichever username it was asked for."""
        for key in [k for k in self._entries if k[0] == POST_PAGE and k[2] == post_id]:
            del self._entries[key]

    def drop_all(self) -> None:
        self._entries.clear()
